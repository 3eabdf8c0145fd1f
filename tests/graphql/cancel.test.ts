/**
 * A client that leaves mid-`@stream` (or mid-subscription) stops the resolver's async iterator:
 * its `finally` runs soon after, counted, on this runtime's real server. Both graphql-js 17
 * executors, each read in both incremental formats (so through the conversions too).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlPayloads, graphqlResponse } from "../../lib/graphql/mod.ts";
import { runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { body, execute, type Executor, type Run } from "./_schema.ts";

/** How long after the client leaves the resolver's `finally` may take (it sleeps 20 ms a loop). */
const WITHIN_MS = 1000;

async function leaveAfter(executor: Executor, query: string, accept: string): Promise<void> {
  let run: Run | undefined;
  await served(async (request, ctx) => {
    const executed = await execute((await body(request)).query, executor);
    run = executed.run;
    return graphqlResponse(request, executed.result, { waitUntil: (p) => ctx.waitUntil(p) });
  }, async (url) => {
    const leave = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept },
      body: JSON.stringify({ query }),
      signal: leave.signal,
    });
    let payloads = 0;
    try {
      for await (const _ of graphqlPayloads(response, { signal: leave.signal })) {
        if (++payloads === 4) leave.abort();
      }
    } catch (error) {
      assert.equal((error as Error).name, "AbortError");
    }
    assert.equal(payloads, 4);
    const left = performance.now();
    assert.equal(run!.finallies, 0, "the resolver ran on while the client read");
    while (run!.finallies === 0 && performance.now() - left < WITHIN_MS) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const took = performance.now() - left;
    assert.equal(
      run!.finallies,
      1,
      `finally did not run within ${WITHIN_MS} ms of the client leaving`,
    );
    assert.ok(took < WITHIN_MS, `finally ran ${took.toFixed(0)} ms after the client left`);
  });
}

describe(`graphqlResponse on ${runtime}: a client leaving stops the resolver`, () => {
  for (
    const executor of ["experimentalExecuteIncrementally", "legacyExecuteIncrementally"] as const
  ) {
    for (const spec of ["deferSpec=20220824", "incrementalSpec=v0.2"]) {
      it(`${executor}, read as ${spec}: @stream's iterator runs its finally`, async () => {
        await leaveAfter(executor, "{ endless @stream }", `multipart/mixed;${spec}`);
      });
    }
  }
  it("subscription: the event iterator runs its finally", async () => {
    await leaveAfter(
      "experimentalExecuteIncrementally",
      "subscription { forever }",
      "multipart/mixed;subscriptionSpec=1.0",
    );
  });
});
