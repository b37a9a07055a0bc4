/* Starts GraphiQL on the endpoint that served the page (an external script, so that a
   Content-Security-Policy without 'unsafe-inline' allows it). */
(function () {
  "use strict";
  var element = document.getElementById("graphiql");
  var endpoint = element.getAttribute("data-endpoint") || window.location.pathname;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var defaultQuery = [
    "# Reviews public now, with their cast. Ctrl-Enter runs the query.",
    "{",
    "  reviews(limit: 5) {",
    "    filmTitle",
    "    releaseDate",
    "    directors { name }",
    "    cast { character person { name } }",
    "  }",
    "}",
    "",
  ].join("\n");
  ReactDOM.createRoot(element).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery })
  );
})();
