/**
 * GraphQL incremental delivery: a query with `@defer` is answered as `multipart/mixed`, the
 * initial result first and the deferred fragment when it is ready, in the wire format of the
 * GraphQL incremental delivery RFC (`{"data", "hasNext"}`, then `{"incremental": [{"data",
 * "path"}], "hasNext"}`) that Apollo Client, urql and Relay read.
 *
 * The schema is a tiny fixed one so the example shows the transport, not a GraphQL engine; with
 * graphql-js, feed `experimentalExecuteIncrementally`'s results to `pushResponse` the same way.
 *
 * `deno run -A examples/graphql_defer.ts`, then
 * `curl -N -H 'accept: multipart/mixed' -d '{"query":"{ user { name ... @defer { friends } } }"}' http://127.0.0.1:8000/graphql`
 *
 * @module
 */
import { type Part, pushResponse } from "../mod.ts";

const USER = { id: "1", name: "Ada Lovelace" };
const FRIENDS = ["Charles Babbage", "Mary Somerville"];

function json(value: unknown): Part {
  return { contentType: "application/json; charset=utf-8", body: JSON.stringify(value) };
}

/** The fast fields, then the deferred (slow) ones `ms` later. */
export async function* deferred(ms: number): AsyncGenerator<Part> {
  yield json({ data: { user: USER }, hasNext: true });
  await new Promise((resolve) => setTimeout(resolve, ms));
  yield json({ incremental: [{ data: { friends: FRIENDS }, path: ["user"] }], hasNext: false });
}

/**
 * `POST /graphql` with `{"query": "..."}`. A query containing `@defer` from a client that accepts
 * `multipart/mixed` gets the incremental response; any other gets one JSON result with everything.
 * `?ms=` sets how slow the deferred part is (default 500).
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export async function handler(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== "/graphql") return new Response("not found\n", { status: 404 });
  if (request.method !== "POST") {
    return new Response("POST a GraphQL query\n", { status: 405, headers: { allow: "POST" } });
  }
  let query: unknown;
  try {
    query = (await request.json() as { query?: unknown }).query;
  } catch {
    return Response.json({ errors: [{ message: "body must be JSON" }] }, { status: 400 });
  }
  if (typeof query !== "string") {
    return Response.json({ errors: [{ message: "query must be a string" }] }, { status: 400 });
  }
  const accept = request.headers.get("accept") ?? "";
  const ms = Math.min(Math.max(Number(url.searchParams.get("ms")) || 500, 0), 10_000);
  if (/@defer\b/.test(query) && /multipart\/mixed/i.test(accept)) {
    return pushResponse(deferred(ms), { mode: "mixed", request });
  }
  return Response.json({ data: { user: { ...USER, friends: FRIENDS } } });
}

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
