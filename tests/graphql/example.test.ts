/**
 * examples/graphql_defer.ts served on this runtime's server, as a handler and as a Hono route:
 * graphql-js 17 answers `@defer`/`@stream` and a subscription in the negotiated format.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { app, handler } from "../../examples/graphql_defer.ts";
import { applyIncremental, graphqlPayloads, type GraphQLResult } from "../../lib/graphql/mod.ts";
import { type Handler, served } from "../_helpers/serve.ts";

const QUERY = "{ user { name ... @defer { bio } friends @stream(initialCount: 1) } }";
const FULL = {
  user: {
    name: "Ada Lovelace",
    friends: ["Charles Babbage", "Mary Somerville", "Michael Faraday"],
    bio: "Wrote the first program.",
  },
};

function post(url: string, query: string, accept: string | null): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (accept !== null) headers.accept = accept;
  return fetch(new URL("graphql?ms=10", url), {
    method: "POST",
    headers,
    body: JSON.stringify({ query }),
  });
}

async function merged(response: Response): Promise<{ result: GraphQLResult; payloads: number }> {
  const result: GraphQLResult = {};
  let payloads = 0;
  for await (const payload of graphqlPayloads(response)) {
    applyIncremental(result, payload);
    payloads++;
  }
  return { result, payloads };
}

const hono: Handler = (request, ctx) => app.fetch(request, undefined, ctx as never);

describe("examples/graphql_defer.ts", () => {
  for (const [name, serveIt] of [["handler", handler], ["Hono route", hono]] as const) {
    it(`${name}: @defer and @stream in both incremental formats`, async () => {
      await served(serveIt as Handler, async (url) => {
        for (const spec of ["deferSpec=20220824", "incrementalSpec=v0.2"]) {
          const response = await post(url, QUERY, `multipart/mixed;${spec}, application/json`);
          assert.equal(
            response.headers.get("content-type"),
            `multipart/mixed;boundary="-";${spec}`,
          );
          const { result, payloads } = await merged(response);
          assert.deepEqual(result, { data: FULL, hasNext: false });
          assert.ok(payloads >= 3, `${payloads} payloads`);
        }
      });
    });
  }

  it("a subscription, and the answers to requests it cannot serve", async () => {
    await served(handler, async (url) => {
      const ticks = await post(url, "subscription { clock(count: 2) }", "multipart/mixed");
      assert.match(ticks.headers.get("content-type")!, /subscriptionSpec=1\.0/);
      const events = [];
      for await (const payload of graphqlPayloads(ticks)) events.push(payload);
      assert.equal(events.length, 2);
      assert.match(String((events[1].data as { clock: string }).clock), /^\d{4}-/);

      const jsonOnly = await post(url, QUERY, "application/json");
      assert.equal(jsonOnly.status, 406);
      assert.match(JSON.stringify(await jsonOnly.json()), /multipart\/mixed;deferSpec=20220824/);

      const broken = await post(url, "{ user {", "application/graphql-response+json");
      assert.equal(broken.status, 400);
      assert.match(JSON.stringify(await broken.json()), /Syntax Error/);

      const plain = await post(url, "{ user { name } }", null);
      assert.deepEqual(await plain.json(), { data: { user: { name: "Ada Lovelace" } } });

      const get = await fetch(new URL("graphql", url));
      assert.equal(get.status, 405);
      await get.body?.cancel();
    });
  });
});
