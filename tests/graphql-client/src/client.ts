// A typed client of the GraphQL endpoint: the documents below are typed by graphql-codegen's
// client preset from the live schema (build/gql/), so a field the schema lacks, a variable of
// the wrong type or an unchecked null fails `tsc --strict`. It reads a listing (by GET, then
// revalidated with its ETag), a detail with its sections (a union, narrowed on __typename),
// a draft with a preview token, and a refused token.
//
//   node build/js/src/client.js http://127.0.0.1:8000 <preview token>

import { graphql } from "../build/gql";
import type { ListingQuery, TypedDocumentString } from "../build/gql/graphql";

interface GraphQLError {
  message: string;
  extensions?: { code?: string; status?: number };
}

interface Answer<TResult> {
  data?: TResult | null;
  errors?: GraphQLError[];
}

const Listing = graphql(`
  query Listing($limit: Int!) {
    reviews(limit: $limit) {
      id
      slug
      filmTitle
      releaseDate
      directors {
        name
      }
      cast {
        character
        person {
          name
          url
        }
      }
    }
  }
`);

const Detail = graphql(`
  query Detail($slug: String!) {
    review(slug: $slug) {
      filmTitle
      poster {
        url
        renditions {
          width
          format
        }
      }
      body {
        __typename
        ... on SynopsisSection {
          text
        }
        ... on PerformanceSection {
          heading
          performers {
            name
          }
        }
        ... on CritiqueSection {
          heading
        }
        ... on FinalStatementSection {
          text
        }
      }
    }
  }
`);

const Preview = graphql(`
  query Preview($token: String!) {
    preview(token: $token) {
      title
      filmTitle
      cast {
        character
      }
    }
  }
`);

function body<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): string {
  return JSON.stringify({ query: document.toString(), variables });
}

async function post<TResult, TVariables>(
  endpoint: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<Answer<TResult>> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: body(document, variables),
  });
  return (await response.json()) as Answer<TResult>;
}

function queryString<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): string {
  const params = new URLSearchParams({
    query: document.toString(),
    variables: JSON.stringify(variables),
  });
  return params.toString();
}

function data<TResult>(answer: Answer<TResult>): TResult {
  if (answer.errors !== undefined || answer.data === undefined || answer.data === null) {
    throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  }
  return answer.data;
}

async function main(): Promise<void> {
  const [base, token] = process.argv.slice(2);
  if (base === undefined || token === undefined) {
    throw new Error("usage: client.js BASE_URL PREVIEW_TOKEN");
  }
  const endpoint = `${base}/graphql/`;

  // The listing by GET: public and cacheable, revalidated with its ETag.
  const address = `${endpoint}?${queryString(Listing, { limit: 10 })}`;
  const first = await fetch(address, { headers: { Accept: "application/json" } });
  const listing = data((await first.json()) as Answer<ListingQuery>);
  const etag = first.headers.get("ETag");
  console.log(`listing: ${first.status}, Cache-Control: ${first.headers.get("Cache-Control")}`);
  for (const review of listing.reviews) {
    const cast = review.cast.map((member) => `${member.character}: ${member.person.name}`);
    const directors = review.directors.map((person) => person.name).join(", ");
    console.log(`- ${review.filmTitle} (${review.releaseDate ?? "no date"}) by ${directors}; ${cast.join(", ")}`);
  }
  if (etag !== null) {
    const again = await fetch(address, { headers: { "If-None-Match": etag } });
    console.log(`again with If-None-Match: ${again.status}`);
  }

  const slug = listing.reviews[0]?.slug;
  if (slug === undefined) {
    throw new Error("no review listed");
  }
  const detail = data(await post(endpoint, Detail, { slug })).review;
  if (detail === null || detail === undefined) {
    throw new Error(`no review ${slug}`);
  }
  const sections = detail.body.map((section) => {
    switch (section.__typename) {
      case "SynopsisSection":
        return "synopsis";
      case "PerformanceSection":
        return `performance (${section.performers.map((person) => person.name).join(", ")})`;
      case "CritiqueSection":
        return `critique "${section.heading}"`;
      case "FinalStatementSection":
        return "final statement";
    }
  });
  const widths = detail.poster?.renditions.map((rendition) => rendition.width) ?? [];
  console.log(`detail: ${detail.filmTitle}; poster widths ${widths.join(", ")}; ${sections.join(", ")}`);

  const draft = data(await post(endpoint, Preview, { token })).preview;
  console.log(`draft with a preview token: ${draft.title} (${draft.cast.map((c) => c.character).join(", ")})`);

  const refused = await post(endpoint, Preview, { token: `${token}x` });
  const error = refused.errors?.[0];
  console.log(`tampered token: ${error?.extensions?.code} ${error?.extensions?.status}: ${error?.message}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
