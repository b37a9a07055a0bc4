// An app's script with TypeScript types generated from the live OpenAPI document
// (openapi-typescript, default options) and openapi-fetch, compiled with `tsc --strict`: list
// reviews, one by slug, revalidate it with its ETag (a typed 304), follow a credit to its
// person, read a draft with a preview token, and get a 404 and a 403 as typed errors.
//
//   node build/js/client.js BASE_URL PREVIEW_TOKEN
import createClient from "openapi-fetch";
import type { components, paths } from "./build/api.js";

type Review = components["schemas"]["Review"];
type Problem = components["schemas"]["ProblemDetail"];

// openapi-fetch types only 2XX answers as `data` and 4XX/5XX as `error`: a 304 (no body) is
// neither, so at run time it comes back with both empty, while its type says that without an
// `error` there is `data`. `revalidated` gives the 304 a case of its own: `notModified`, and
// `data` and `error` both undefined, so reading `data` needs a check first.
type NotModified = { notModified: true; data?: undefined; error?: undefined; response: Response };
type Revalidated<Answer> = (Answer & { notModified?: false }) | NotModified;

async function revalidated<Answer extends { response: Response }>(
  request: Promise<Answer>,
): Promise<Revalidated<Answer>> {
  const answer = await request;
  if (answer.response.status === 304) return { notModified: true, response: answer.response };
  return answer;
}

// The document declares the 304 and the `If-None-Match` header of each GET sending an ETag:
// these fail to compile if it stops.
type ReviewDetailGet = paths["/api/v3/reviews/{review_id}/"]["get"];
const declares304: 304 extends keyof ReviewDetailGet["responses"] ? true : never = true;
type IfNoneMatch = NonNullable<ReviewDetailGet["parameters"]["header"]>["If-None-Match"];

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) throw new Error("usage: client.js BASE_URL PREVIEW_TOKEN");
const api = createClient<paths>({ baseUrl });

function fail(what: string, error: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(error)}`);
}

const listing = await api.GET("/api/v3/reviews/", { params: { query: { limit: 2 } } });
if (!listing.data) fail("list", listing.error);
const titles = listing.data.items.map((review: Review) => review.film_title);
console.log(`reviews: ${listing.data.count} published; first page ${JSON.stringify(titles)}`);
console.log(`  next: ${listing.data.next}`);

const first = listing.data.items[0];
if (!first) fail("list", "no review");
const bySlug = await api.GET("/api/v3/reviews/by-slug/{slug}/", {
  params: { path: { slug: first.meta.slug } },
});
if (!bySlug.data) fail("by slug", bySlug.error);
const review: Review = bySlug.data;
const cast = review.cast.map((credit) => `${credit.person.name} as ${credit.character}`);
console.log(`by slug '${first.meta.slug}': ${review.title} (cast: ${cast.join(", ")})`);
if (review.poster) {
  const sizes = review.poster.renditions.map((r) => `${r.width} ${r.format}`);
  console.log(`  poster renditions: ${sizes.join(", ")}`);
}

const etag: IfNoneMatch = bySlug.response.headers.get("ETag") ?? fail("etag", "none sent");
const again = await revalidated(
  api.GET("/api/v3/reviews/{review_id}/", {
    params: { path: { review_id: review.id }, header: { "If-None-Match": etag } },
  }),
);
if (again.notModified) {
  console.log(`review ${review.id} again with If-None-Match: 304, kept the copy (${declares304})`);
} else if (again.data) {
  console.log(`review ${review.id} changed: ${again.data.film_title}`);
} else {
  fail("revalidate", again.error);
}

// What the issue saw type-check and throw at run time on a 304: no longer compiles.
export function readsDataWithoutACheck(answer: typeof again): string {
  if (!answer.error) {
    // @ts-expect-error: a 304 has no data (`answer.data` is possibly undefined)
    return answer.data.film_title;
  }
  return answer.error.detail ?? "";
}

const director = review.directors[0];
if (!director) fail("credits", "no director");
const person = await api.GET("/api/v3/people/{person_id}/", {
  params: { path: { person_id: director.id } },
});
if (!person.data) fail("person", person.error);
const roles = [...new Set(person.data.credits.map((credit) => credit.role))].sort();
console.log(`director ${person.data.name}: ${person.data.credits.length} credit(s) as ${roles.join(", ")}`);

const draft = await api.GET("/api/v3/reviews/preview/", { params: { query: { token } } });
if (!draft.data) fail("preview", draft.error);
console.log(`draft with a preview token: '${draft.data.title}' (id ${draft.data.id})`);

const missing = await api.GET("/api/v3/reviews/{review_id}/", {
  params: { path: { review_id: 999999 } },
});
if (missing.data || missing.response.status !== 404) fail("404", missing);
const problem: Problem = missing.error;
console.log(`review 999999: ${missing.response.status} ${problem.title}: ${problem.detail}`);

const refused = await api.GET("/api/v3/reviews/preview/", {
  params: { query: { token: token + "x" } },
});
if (refused.data || refused.response.status !== 403) fail("403", refused);
const refusal: Problem = refused.error;
console.log(`tampered token: ${refused.response.status} ${refusal.detail}`);
