/**
 * GraphQL incremental delivery with graphql-js 17: `@defer`, `@stream` and a subscription, each
 * answered by `graphqlResponse` in the format the client's `Accept` asks for (the 2022 format for
 * Apollo Client's default handler, urql and Relay; `incrementalSpec=v0.2` for Apollo Client's
 * GraphQL17Alpha9Handler; `subscriptionSpec=1.0` with heartbeats for subscriptions), plus the same
 * endpoint as a Hono route.
 *
 * `deno run -A examples/graphql_defer.ts` (or `bun` / `node`), then
 * `curl -N -H 'accept: multipart/mixed' -H 'content-type: application/json' -d '{"query":"{ user { name ... @defer { bio } friends @stream } }"}' http://127.0.0.1:8000/graphql`
 * or, for the subscription, `-d '{"query":"subscription { clock(count: 3) }"}'`. `PORT` picks the
 * port.
 *
 * @module
 */
import {
  buildSchema,
  experimentalExecuteIncrementally,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  parse,
  subscribe,
  validate,
} from "graphql";
import { Hono } from "hono";
import { graphqlResponse } from "../lib/graphql/mod.ts";
import { waitUntilOf } from "./worker_context.ts";

/** The schema: a user with a slow `bio` to defer and `friends` to stream, and a clock. */
export const schema: GraphQLSchema = buildSchema(`
  directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT
  directive @stream(label: String, initialCount: Int! = 0, if: Boolean! = true) on FIELD
  type Query { user: User }
  type User { name: String!, bio: String, friends: [String!] }
  type Subscription { clock(count: Int! = 5): String! }
`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resolvers; `ms` is how slow each deferred or streamed value is. */
function rootValue(ms: number) {
  return {
    user: {
      name: "Ada Lovelace",
      bio: async () => (await sleep(ms), "Wrote the first program."),
      friends: async function* () {
        for (const friend of ["Charles Babbage", "Mary Somerville", "Michael Faraday"]) {
          await sleep(ms);
          yield friend;
        }
      },
    },
    clock: async function* ({ count }: { count: number }) {
      for (let i = 0; i < count; i++) {
        await sleep(ms);
        yield { clock: new Date().toISOString() };
      }
    },
  };
}

/**
 * `POST /graphql` with `{ query, variables?, operationName? }`. `?ms=` sets how slow deferred and
 * streamed values are (default 500). Request errors are answered as GraphQL errors (400 with
 * `application/graphql-response+json`).
 *
 * @example
 * ```ts ignore
 * Deno.serve(handler);
 * ```
 */
export async function handler(request: Request, ctx?: unknown): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== "/graphql") return new Response("not found\n", { status: 404 });
  if (request.method !== "POST") {
    return new Response("POST a GraphQL query\n", { status: 405, headers: { allow: "POST" } });
  }
  const ms = Math.min(Math.max(Number(url.searchParams.get("ms")) || 500, 1), 10_000);
  let params: { query?: unknown; variables?: Record<string, unknown>; operationName?: string };
  try {
    params = await request.json();
    if (typeof params.query !== "string") throw new GraphQLError("query must be a string");
  } catch (error) {
    const message = error instanceof GraphQLError ? error.message : "the body must be JSON";
    return graphqlResponse(request, { errors: [{ message }] });
  }
  let document;
  try {
    document = parse(params.query as string);
  } catch (error) {
    return graphqlResponse(request, { errors: [error as GraphQLError] });
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return graphqlResponse(request, { errors });
  const args = {
    schema,
    document,
    rootValue: rootValue(ms),
    variableValues: params.variables,
    operationName: params.operationName,
  };
  const operation = getOperationAST(document, params.operationName)?.operation;
  const result = operation === "subscription"
    ? await subscribe(args)
    : await experimentalExecuteIncrementally(args);
  // On Workers, waitUntil lets the resolvers' finally blocks run after the client has left.
  return graphqlResponse(request, result, { waitUntil: waitUntilOf(ctx) });
}

/** The same endpoint as a Hono route, on every runtime Hono runs on. */
export const app: Hono = new Hono();
app.post("/graphql", (c) => {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx; // only on Workers; elsewhere Hono throws
  } catch {
    ctx = undefined;
  }
  return handler(c.req.raw, ctx);
});

if (import.meta.main) {
  const { serve } = await import("./serve_main.ts");
  await serve(handler);
}
