// An app's script with TypeScript types generated from the live OpenAPI document
// (openapi-typescript, untouched) and openapi-fetch, compiled with `tsc --strict`: list
// reviews, one by slug, follow a credit to its person, read a draft with a preview token, and
// get a 404 as a typed error.
//
//   node build/js/client.js BASE_URL PREVIEW_TOKEN
import createClient from "openapi-fetch";
import type { components, paths } from "./build/api.js";

type Review = components["schemas"]["Review"];
type Problem = components["schemas"]["ProblemDetail"];

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
