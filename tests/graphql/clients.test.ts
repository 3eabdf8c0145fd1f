/**
 * graphql-js 17 executing `@defer`/`@stream` (both executors) and a subscription, served by
 * `graphqlResponse` on this runtime's real server, read by every client: each gets the full final
 * result, and sees each payload on time (median within 50 ms of its resolver yielding it, none as
 * late as the next payload; printed as a table).
 * Payloads are 100 ms apart, so a client that sees a payload only when the next one starts fails.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlResponse } from "../../lib/graphql/mod.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { ACCEPT } from "./_accept.ts";
import { clients, type Seen } from "./_clients.ts";
import {
  assertOnTime,
  body,
  DEFER_QUERY,
  DEFER_RESULT,
  DEFER_VALUES,
  execute,
  type Executor,
  type Run,
  SUBSCRIPTION,
  TICKS,
} from "./_schema.ts";

/** The Accept each library sends for [@defer, a subscription], as the negotiation table has it. */
const SENDS: Record<string, [string, string]> = {
  "urql (@urql/core)": [ACCEPT.urqlQuery, ACCEPT.urqlSubscription],
  "Apollo Client 4 (Defer20220824Handler)": [ACCEPT.apolloDefer, ACCEPT.apolloSubscription],
  "Apollo Client 4 (GraphQL17Alpha9Handler)": [ACCEPT.apolloAlpha9, ACCEPT.apolloSubscription],
};

/** Why a client cannot run on this runtime, if it cannot. */
function cannotRun(name: string): string | undefined {
  if (name === "fetch-multipart-graphql" && runtime === "workerd") {
    return " (skipped on workerd: it falls back to XMLHttpRequest, as Response.prototype has no own body there)";
  }
}
const rows: string[] = [];
/** A first request, to warm up. */
const DEFER_ONLY = `query User { user { id ... @defer(label: "slow") { name } } }`;

let last: { run: Run; accept: string | null } | undefined;
let server: Served | undefined;
let warm = false;

async function url(): Promise<string> {
  server ??= await serve(async (request, ctx) => {
    const { query } = await body(request);
    const executor = (new URL(request.url).searchParams.get("executor") ??
      "experimentalExecuteIncrementally") as Executor;
    const { result, run } = await execute(query, executor);
    last = { run, accept: request.headers.get("accept") };
    return graphqlResponse(request, result, {
      heartbeat: /^\s*subscription/.test(query) ? 40 : false,
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
  });
  if (!warm) {
    // The first response of a process pays for loading and compiling; it is not what is measured.
    warm = true;
    await clients.graphqlPayloads(server.url, DEFER_ONLY);
  }
  return server.url;
}

/** The latency of each expected value, asserted and recorded for the table. */
function onTime(name: string, seen: Seen, values: string[]): void {
  const { run } = last!;
  const ms = assertOnTime(seen.at, run.yieldedAt, values, name);
  rows.push(
    `| ${runtime} | ${name} | ${ms.map((m) => m.toFixed(1)).join(", ")} | ${last!.accept} |`,
  );
}

describe(`graphqlResponse served by ${runtime}, read by real clients`, () => {
  after(async () => {
    await server?.close();
    console.log(
      `\n| runtime | client | latency per payload (ms) | Accept it sent |\n|---|---|---|---|\n${
        rows.join("\n")
      }\n`,
    );
  });

  for (const executor of ["experimentalExecuteIncrementally", "legacyExecuteIncrementally"]) {
    for (const [name, client] of Object.entries(clients)) {
      const why = cannotRun(name);
      it(
        `${executor} @defer/@stream → ${name}${why ?? ""}`,
        { skip: why !== undefined },
        async () => {
          const seen = await client(`${await url()}?executor=${executor}`, DEFER_QUERY);
          assert.deepEqual(seen.data, DEFER_RESULT);
          if (SENDS[name]) assert.equal(last!.accept, SENDS[name][0]);
          onTime(
            `${name} (${executor.replace("ExecuteIncrementally", "")})`,
            seen,
            DEFER_VALUES,
          );
        },
      );
    }
  }

  for (const [name, client] of Object.entries(clients)) {
    if (name.includes("GraphQL17Alpha9Handler")) continue; // the handler plays no part in subscriptions
    const why = cannotRun(name);
    const label = `subscription with heartbeats every 40 ms → ${
      name.replace(" (Defer20220824Handler)", "")
    }`;
    it(`${label}${why ?? ""}`, { skip: why !== undefined }, async () => {
      const seen = await client(await url(), SUBSCRIPTION);
      assert.deepEqual(seen.data, { ticks: 3 });
      if (SENDS[name]) assert.equal(last!.accept, SENDS[name][1]);
      onTime(`${name.replace(" (Defer20220824Handler)", "")} (subscription)`, seen, TICKS);
    });
  }
});
