/**
 * The two hostile costs of issue 20 in `multipart-push/graphql`, in milliseconds:
 *
 * - `graphqlResponse` negotiating a hostile `Accept` of 8 to 64 KB (escaped quotes that never
 *   close, many ranges, many parameters, one long value), against a plain `Accept` (the floor);
 * - errors appended payload by payload: `applyIncremental` over N payloads of one error each, and
 *   a 30,000-item `@stream` whose every item fails, served in graphql-js 17's format natively and
 *   converted for a `deferSpec=20220824` client.
 *
 * Linear code keeps each column proportional to the size; run it on an older commit for the
 * "before" figures (BENCHMARKS.md has both).
 *
 *   node bench/graphql.bench.ts [--quick]   (also: deno run -A, bun)
 *
 * @module
 */

import { applyIncremental, graphqlResponse } from "../lib/graphql/mod.ts";
import type { GraphQLResult, JsonObject } from "../lib/graphql/mod.ts";
import { args, collect, fixed, median, runtimeName } from "./_util.ts";

const QUICK = args().includes("--quick");
const ROUNDS = QUICK ? 1 : 3;
const KB = [8, 16, 32, 64];
const ERROR_COUNTS = QUICK ? [5_000, 10_000] : [5_000, 10_000, 20_000, 40_000];
const STREAM_ITEMS = QUICK ? 5_000 : 30_000;

/** Median milliseconds of `fn`, repeated until a round lasts at least 20 ms. */
function ms(fn: () => unknown): number {
  const start = performance.now();
  fn();
  const once = performance.now() - start;
  const calls = once >= 20 ? 1 : Math.ceil(20 / Math.max(once, 0.01));
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    collect();
    const t = performance.now();
    for (let i = 0; i < calls; i++) fn();
    rounds.push((performance.now() - t) / calls);
  }
  return median(rounds);
}

/** The shape repeated up to `bytes`. */
function fill(head: string, unit: string, bytes: number): string {
  return head + unit.repeat(Math.ceil((bytes - head.length) / unit.length));
}

const HOSTILE: [string, (bytes: number) => string][] = [
  ['escaped quotes, never closed: a/b;x="\\"\\"…', (n) => fill('a/b;x="', '\\"', n)],
  ["ranges: a/b,a/b,…", (n) => fill("", "a/b,", n)],
  ["parameters: a/b;x=1;x=1…", (n) => fill("a/b", ";x=1", n)],
  ['quoted parameters: a/b;x="1";…', (n) => fill("a/b", ';x="1"', n)],
  ["one long value: a/b;x=aaa…", (n) => fill("a/b;x=", "a", n)],
];

console.log(
  `\n### Accept negotiation (${runtimeName()}, ms per graphqlResponse, median of ${ROUNDS})\n`,
);
console.log(`| Accept | ${KB.map((k) => `${k} KB`).join(" | ")} | 64 KB / 8 KB |`);
console.log(`| --- | ${KB.map(() => "---:").join(" | ")} | ---: |`);
const floor = new Request("http://x/", { headers: { accept: "application/json" } });
console.log(
  `| floor: application/json | ${
    KB.map(() => fixed(ms(() => graphqlResponse(floor, { data: {} })), 4)).join(" | ")
  } | - |`,
);
for (const [name, make] of HOSTILE) {
  const times = KB.map((k) => {
    const request = new Request("http://x/", { headers: { accept: make(k * 1024) } });
    return ms(() => graphqlResponse(request, { data: {} }));
  });
  console.log(
    `| ${name} | ${times.map((t) => fixed(t, 3)).join(" | ")} | ${
      fixed(times[3] / times[0], 1)
    }x |`,
  );
}

/** N 2022-format payloads streaming items into `list`, each failing with one error. */
function failingItems(n: number): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    incremental: [{
      items: [null],
      path: ["list", i],
      errors: [{ message: "item failed", path: ["list", i] }],
    }],
    hasNext: i < n - 1,
  }));
}

console.log(
  `\n### Errors appended by applyIncremental (${runtimeName()}, ms for N payloads of one error each, median of ${ROUNDS})\n`,
);
console.log("| N payloads | ms | µs per payload |");
console.log("| ---: | ---: | ---: |");
for (const n of ERROR_COUNTS) {
  const payloads = failingItems(n);
  const t = ms(() => {
    const result: GraphQLResult = {};
    applyIncremental(result, { data: { list: [] }, hasNext: true });
    for (const payload of payloads) applyIncremental(result, payload);
    if (result.errors?.length !== n) throw new Error(`${result.errors?.length} errors, not ${n}`);
  });
  console.log(`| ${n.toLocaleString("en")} | ${fixed(t, 1)} | ${fixed((t * 1000) / n, 2)} |`);
}

/** graphql-js 17's payloads of a `@stream` of `n` items that each fail with one error. */
async function* failingStream(n: number): AsyncGenerator<JsonObject> {
  for (let i = 0; i < n; i++) {
    yield {
      incremental: [{
        id: "0",
        items: [null],
        errors: [{ message: "item failed", path: ["list", i] }],
      }],
      hasNext: true,
    };
  }
  yield { completed: [{ id: "0" }], hasNext: false };
}

/** Milliseconds to serve and read the whole failing stream to a client asking for `spec`. */
async function serve(spec: string): Promise<number> {
  collect();
  const start = performance.now();
  const request = new Request("http://x/", { headers: { accept: `multipart/mixed;${spec}` } });
  const response = graphqlResponse(request, {
    initialResult: {
      data: { list: [] },
      pending: [{ id: "0", path: ["list"] }],
      hasNext: true,
    } as GraphQLResult,
    subsequentResults: failingStream(STREAM_ITEMS),
  });
  let bytes = 0;
  for await (const chunk of response.body!) bytes += chunk.byteLength;
  if (bytes < STREAM_ITEMS * 50) throw new Error(`only ${bytes} bytes for ${spec}`);
  return performance.now() - start;
}

console.log(
  `\n### A ${
    STREAM_ITEMS.toLocaleString("en")
  }-item @stream, every item failing, served by graphqlResponse (${runtimeName()}, ms, median of ${ROUNDS})\n`,
);
console.log("| client | ms | vs native |");
console.log("| --- | ---: | ---: |");
const native: number[] = [];
const converted: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  native.push(await serve("incrementalSpec=v0.2"));
  converted.push(await serve("deferSpec=20220824"));
}
console.log(`| incrementalSpec=v0.2 (native) | ${fixed(median(native), 0)} | 1.00x |`);
console.log(
  `| deferSpec=20220824 (converted) | ${fixed(median(converted), 0)} | ${
    fixed(median(converted) / median(native), 2)
  }x |`,
);
