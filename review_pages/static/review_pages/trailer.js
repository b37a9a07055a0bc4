/* wagtail-film-reviews: a trailer's click-to-play facade.
   Until the reader presses play, the page holds no player, loads nothing from the video host
   and sets no cookie; the button then puts in the privacy-enhanced player
   (www.youtube-nocookie.com, or Vimeo with dnt=1), started at once. Without this script the
   button stays hidden and the plain link to the video's page remains. */
(function () {
  "use strict";
  var PLAYERS = ["https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/"];

  function allowed(url) {
    return PLAYERS.some(function (origin) { return url.indexOf(origin) === 0; });
  }

  function play(facade) {
    var url = facade.getAttribute("data-embed-url") || "";
    if (!allowed(url)) return;
    var frame = document.createElement("iframe");
    frame.className = "trailer__player";
    frame.title = facade.getAttribute("data-embed-title") || "Trailer";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.src = url;
    var holder = facade.querySelector(".trailer__frame");
    holder.replaceChildren(frame);
    frame.focus();
  }

  function arm(facade) {
    var button = facade.querySelector(".trailer__play");
    if (!button || button.dataset.armed) return;
    button.dataset.armed = "1";
    button.hidden = false;
    button.addEventListener("click", function () { play(facade); }, { once: true });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-trailer]"), arm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
