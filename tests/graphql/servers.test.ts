/**
 * Our decoder (parseParts, under graphqlPayloads) reads what real GraphQL servers write, run here
 * on this runtime's server: Apollo Server 5 (its executeHTTPGraphQLRequest, as every integration
 * calls it, with graphql 17's legacyExecuteIncrementally) and GraphQL Yoga 5 with its defer/stream
 * plugin. Each payload is seen on time (see assertOnTime), and the merged result is
 * the whole result.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { legacyExecuteIncrementally } from "graphql";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { createSchema, createYoga } from "graphql-yoga";
import { useDeferStream } from "@graphql-yoga/plugin-defer-stream";
import { applyIncremental, graphqlPayloads, type GraphQLResult } from "../../lib/graphql/mod.ts";
import { runtime } from "../_helpers/runtime.ts";
import { type Handler, served } from "../_helpers/serve.ts";
import {
  assertOnTime,
  DEFER_QUERY,
  DEFER_RESULT,
  DEFER_VALUES,
  rootValue,
  type Run,
  schema,
} from "./_schema.ts";

const rows: string[] = [];
let run: Run = { yieldedAt: new Map(), finallies: 0 };
const fresh = () => (run = { yieldedAt: new Map(), finallies: 0 });

/** Apollo Server 5 answering through its integration API, its chunks streamed as it yields them. */
async function apolloServer(): Promise<{ handler: Handler; stop(): Promise<void> }> {
  const server = new ApolloServer({
    schema,
    rootValue: () => rootValue(fresh()),
    legacyExperimentalExecuteIncrementally: legacyExecuteIncrementally as never,
  });
  await server.start();
  const handler: Handler = async (request) => {
    const url = new URL(request.url);
    const result = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method,
        headers: new HeaderMap([...request.headers]),
        search: url.search,
        body: await request.json(),
      },
      context: () => Promise.resolve({}),
    });
    const headers = new Headers([...result.headers]);
    const { body } = result;
    if (body.kind === "complete") {
      return new Response(body.string, { status: result.status, headers });
    }
    const encoder = new TextEncoder();
    const chunks = body.asyncIterator;
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
        async cancel() {
          await chunks.return?.();
        },
      }, { highWaterMark: 0 }),
      { status: result.status ?? 200, headers },
    );
  };
  return { handler, stop: () => server.stop() };
}

function yoga(): { handler: Handler; stop(): Promise<void> } {
  const resolvers = () => rootValue(fresh());
  const app = createYoga({
    schema: createSchema({
      typeDefs: `type Query { user: User } type User { id: ID!, name: String, friends: [String] }`,
      resolvers: {
        Query: { user: () => (resolvers() as { user: unknown }).user },
      },
    }),
    plugins: [useDeferStream()],
    graphqlEndpoint: "/",
    logging: false,
  });
  return { handler: (request) => app.fetch(request), stop: () => Promise.resolve() };
}

const SERVERS: [string, string, () => Promise<{ handler: Handler; stop(): Promise<void> }>][] = [
  ["Apollo Server 5", "multipart/mixed;deferSpec=20220824, application/json", apolloServer],
  ["GraphQL Yoga 5", "multipart/mixed, application/json", () => Promise.resolve(yoga())],
];

describe(`graphqlPayloads reads real GraphQL servers on ${runtime}`, () => {
  after(() => {
    console.log(
      `\n| runtime | server | Content-Type | latency per payload (ms) |\n|---|---|---|---|\n${
        rows.join("\n")
      }\n`,
    );
  });
  for (const [name, accept, start] of SERVERS) {
    const skip = name === "Apollo Server 5" && runtime === "workerd";
    const why = skip
      ? ' (skipped on workerd: bundled, Apollo Server calls require("node:buffer"))'
      : "";
    it(`${name}: @defer and @stream, each payload on time${why}`, { skip }, async () => {
      const server = await start();
      try {
        await served(server.handler, async (url) => {
          // A first request builds each server's caches; the measured one is the second.
          await (await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", accept },
            body: JSON.stringify({ query: "{ user { id } }" }),
          })).text();
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", accept },
            body: JSON.stringify({ query: DEFER_QUERY }),
          });
          if (response.status !== 200) assert.fail(`${response.status}: ${await response.text()}`);
          const seenAt = new Map<string, number>();
          const result: GraphQLResult = {};
          for await (const payload of graphqlPayloads(response)) {
            applyIncremental(result, payload);
            const now = performance.now();
            for (const value of DEFER_VALUES) {
              if (!seenAt.has(value) && JSON.stringify(result.data).includes(`"${value}"`)) {
                seenAt.set(value, now);
              }
            }
          }
          assert.deepEqual(result, { data: DEFER_RESULT, hasNext: false });
          const ms = assertOnTime(seenAt, run.yieldedAt, DEFER_VALUES, name);
          rows.push(
            `| ${runtime} | ${name} | \`${response.headers.get("content-type")}\` | ${
              ms.map((m) => m.toFixed(1)).join(", ")
            } |`,
          );
        });
      } finally {
        await server.stop();
      }
    });
  }
});
