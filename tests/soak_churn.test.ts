// Connect/disconnect churn on the runtime's real server: clients join a PushHub.from() hub and
// leave at random points (before the response, after the headers, mid-frame, after some frames).
// Afterwards every source run has reached its `finally`, no subscriber is left, nothing is
// retained, and (where a script can run the GC) the heap is back within 10% of where it started.
// CI count here; `npm run soak` sets MULTIPART_PUSH_SOAK=1 for 10,000 clients.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../lib/push_hub.ts";
import type { Part } from "../lib/part.ts";
import { runtime } from "./_helpers/runtime.ts";
import { serve } from "./_helpers/serve.ts";
import { delay } from "./_helpers/streams.ts";

type Process = {
  env?: Record<string, string | undefined>;
  memoryUsage?: () => { heapUsed: number };
};
const proc = (globalThis as { process?: Process }).process;
const soak = proc?.env?.MULTIPART_PUSH_SOAK === "1";
const CLIENTS = soak ? 10_000 : 1_000;
// workerd lets one request hold 6 outgoing connections (the test runs inside a request).
const CONCURRENCY = runtime === "workerd" ? 4 : 50;

/** A function that runs a full GC, where the runtime lets a script do it. */
async function gcFunction(): Promise<(() => void) | undefined> {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun) return () => g.Bun!.gc(true);
  if (g.gc) return g.gc;
  if (runtime !== "node") return undefined;
  // node --test does not pass --expose-gc; V8 takes the flag at run time too.
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await delay(10);
  }
  return proc!.memoryUsage!().heapUsed;
}

/** mulberry32, seeded so a failing run can be replayed. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

async function until(check: () => boolean, ms: number, what: () => string): Promise<void> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (check()) return;
    await delay(20);
  }
  assert.fail(`not within ${ms} ms: ${what()}`);
}

/** One client: connects, then leaves at a random point. */
async function client(url: string, rand: (n: number) => number): Promise<void> {
  const controller = new AbortController();
  const leave = rand(5);
  try {
    const pending = fetch(url, { signal: controller.signal });
    if (leave === 0) {
      // Before the response: right away or a moment later.
      if (rand(2)) await delay(rand(5));
      controller.abort();
      await pending.catch(() => {});
      return;
    }
    const response = await pending;
    const reader = response.body!.getReader();
    // After the headers, after part of a frame, or after a few frames.
    const reads = leave === 1 ? 0 : leave === 2 ? 1 : 2 + rand(6);
    for (let i = 0; i < reads; i++) if ((await reader.read()).done) break;
    if (rand(2)) await reader.cancel();
    else controller.abort();
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  } finally {
    controller.abort();
  }
}

const gcNote = runtime === "deno"
  ? " (heap check skipped on deno: no GC a script can run)"
  : runtime === "workerd"
  ? " (heap check skipped on workerd: no GC or heap figures)"
  : "";

describe(`PushHub churn on a real server (${runtime})`, () => {
  it(
    `${CLIENTS} clients join and leave at random points: every source finally ran, 0 subscribers, nothing retained${gcNote}`,
    async () => {
      let started = 0;
      let finished = 0;
      const source = async function* (): AsyncGenerator<Part> {
        started++;
        try {
          for (let n = 0;; n++) {
            yield { contentType: "application/octet-stream", body: new Uint8Array(4096).fill(n) };
            await delay(5);
          }
        } finally {
          finished++;
        }
      };
      const hub = PushHub.from(source, { linger: 10, keepAlive: 50 });
      const server = await serve((request) => hub.response(request));
      const gc = runtime === "deno" || runtime === "workerd" ? undefined : await gcFunction();
      const rand = prng(0xc4a2);
      const wave = async (count: number): Promise<void> => {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < count) {
            next++;
            await client(server.url, rand);
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
      };
      const settled = (): string =>
        `subscribers ${hub.subscribers}, retained ${hub.retainedBytes}, started ${started}, finished ${finished}`;
      try {
        // A first wave warms up the server, the fetch client and the JIT before the heap baseline.
        await wave(Math.min(100, CLIENTS));
        await until(() => hub.subscribers === 0 && finished === started, 10_000, settled);
        const before = gc ? await heapAfterGc(gc) : 0;
        await wave(CLIENTS);
        await until(() => hub.subscribers === 0 && finished === started, 10_000, settled);
        assert.equal(hub.retainedBytes, 0);
        assert.ok(started > 1, `the source restarted as viewers came back (${started} runs)`);
        if (gc) {
          const after = await heapAfterGc(gc);
          assert.ok(
            after <= before * 1.1,
            `heap ${(after / 1048576).toFixed(1)} MiB after, ${
              (before / 1048576).toFixed(1)
            } MiB before`,
          );
        }
      } finally {
        hub.close();
        await server.close();
      }
    },
  );
});
