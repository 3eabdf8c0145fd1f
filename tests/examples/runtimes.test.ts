// The per-runtime examples, each checked with a real client: the handlers served in-process on
// this runtime's own server (each example started as its own program: commands.test.ts). The
// Worker also runs in workerd through miniflare.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { handler as clockHandler } from "../../examples/clock.ts";
import { handler as graphqlHandler } from "../../examples/graphql_defer.ts";
import { app } from "../../examples/hono.ts";
import worker from "../../examples/worker.ts";
import { startWorker, wranglerToml } from "../_helpers/miniflare.ts";
import { checkClock } from "../_helpers/clock_check.ts";
import { runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";

describe("runtime examples", () => {
  it("examples/clock.ts handler pushes SVG clock faces on this runtime's server", async () => {
    await served(clockHandler, checkClock);
  });

  it("examples/hono.ts app pushes through Hono on this runtime's server", async () => {
    await served((request) => app.fetch(request), checkClock);
  });

  it("examples/worker.ts fetch export pushes on this runtime's server", async () => {
    await served((request) => worker.fetch(request), checkClock);
  });

  it("handlers given Deno.serve's second argument (serve info, no waitUntil) still answer", async () => {
    const info = { remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 } };
    const clock = clockHandler(new Request("http://x/clock?count=1&ms=10"), info);
    assert.equal(clock.status, 200);
    await clock.body?.cancel();
    const query = JSON.stringify({ query: "{ user { name ... @defer { bio } } }" });
    const graphql = await graphqlHandler(
      new Request("http://x/graphql?ms=1", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "multipart/mixed" },
        body: query,
      }),
      info,
    );
    const text = await graphql.text();
    assert.equal(graphql.status, 200, text);
    assert.match(text, /Wrote the first program\./);
  });

  it("answers 404 off its routes", () => {
    assert.equal(clockHandler(new Request("http://x/nope")).status, 404);
  });

  const noMiniflare = runtime === "node"
    ? ""
    : ` (skipped on ${runtime}: miniflare is driven from Node)`;
  it(
    `examples/worker.ts runs in workerd through miniflare with wrangler.toml's settings${noMiniflare}`,
    { skip: runtime !== "node" },
    async () => {
      const toml = await wranglerToml();
      const main = /^main\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
      assert.equal(main, "examples/worker.ts");
      const worker = await startWorker(toml, main!);
      try {
        await checkClock(worker.url.href);
      } finally {
        await worker.dispose();
      }
    },
  );
});
