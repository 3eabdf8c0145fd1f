/**
 * Why graphqlResponse frames parts as it does (the measurement behind lib/graphql/graphql_stream.ts):
 * the same graphql-js 17 payloads in the layout of `pushResponse(parts, { mode: "mixed" })`, which
 * is Yoga's and Apollo Router's too (the CRLF that ends a delimiter line goes out with the next
 * part), reach Apollo Client, urql, meros and graphqlPayloads on time, but reach
 * fetch-multipart-graphql only when the next part starts: it waits for `CRLF --B CRLF`. The client
 * test shows graphqlResponse's layout on time for all of them.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/mod.ts";
import type { JsonObject } from "../../lib/graphql/mod.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { clients } from "./_clients.ts";
import {
  assertOnTime,
  body,
  DEFER_QUERY,
  DEFER_VALUES,
  execute,
  latencies,
  type Run,
  STEP_MS,
} from "./_schema.ts";

let run: Run | undefined;
let server: Served | undefined;
const rows: string[] = [];

async function* parts(first: JsonObject, rest: AsyncIterable<JsonObject>) {
  const part = (payload: JsonObject) => ({
    contentType: "application/json; charset=utf-8",
    body: JSON.stringify(payload),
  });
  yield part(first);
  for await (const payload of rest) yield part(payload);
}

async function url(): Promise<string> {
  server ??= await serve(async (request) => {
    const executed = await execute((await body(request)).query, "legacyExecuteIncrementally");
    run = executed.run;
    const { initialResult, subsequentResults } = executed.result as {
      initialResult: JsonObject;
      subsequentResults: AsyncIterable<JsonObject>;
    };
    const response = pushResponse(parts(initialResult, subsequentResults), {
      mode: "mixed",
      boundary: "-",
      request,
    });
    response.headers.set("content-type", 'multipart/mixed;boundary="-";deferSpec=20220824');
    return response;
  });
  return server.url;
}

describe(`the CRLF-with-the-next-part layout (pushResponse, Yoga, Router) on ${runtime}`, () => {
  after(async () => {
    await server?.close();
    console.log(
      `\n| runtime | client | latency per payload (ms) |\n|---|---|---|\n${rows.join("\n")}\n`,
    );
  });

  for (const [name, client] of Object.entries(clients)) {
    if (name.includes("GraphQL17Alpha9Handler")) continue; // the 2022 format only here
    const skip = name === "fetch-multipart-graphql" && runtime === "workerd";
    const why = skip ? " (skipped on workerd: it falls back to XMLHttpRequest there)" : "";
    const held = name === "fetch-multipart-graphql";
    const what = held ? "sees each payload only when the next starts" : "sees each payload on time";
    it(`${name} ${what}${why}`, { skip }, async () => {
      const seen = await client(await url(), DEFER_QUERY);
      const ms = latencies(seen.at, run!.yieldedAt, DEFER_VALUES, name);
      rows.push(`| ${runtime} | ${name} | ${ms.map((m) => m.toFixed(1)).join(", ")} |`);
      // The last payload ends with the close delimiter, so every one before it is held back.
      if (held) {
        for (const m of ms.slice(0, -1)) {
          assert.ok(m > STEP_MS * 0.8, `held back ${m.toFixed(1)} ms`);
        }
      } else assertOnTime(seen.at, run!.yieldedAt, DEFER_VALUES, name);
    });
  }
});
