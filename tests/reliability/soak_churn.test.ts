// Connect/disconnect churn on the runtime's real server: clients join a PushHub.from() hub and
// leave at random points (before the response, after the headers, mid-frame, after some frames).
// Afterwards every source run has reached its `finally`, no subscriber is left, nothing is
// retained, and (where a script can run the GC) the heap is back within 10% of where it started.
// CI count here; `npm run soak` sets MULTIPART_PUSH_SOAK=1 for 10,000 clients.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve } from "../_helpers/serve.ts";
import { delay, until } from "../_helpers/streams.ts";
import { prng } from "../_helpers/random.ts";
import { gcNote, heapAfterGc } from "../_helpers/memory.ts";
import { trackTimers } from "../_helpers/timers.ts";

const soak = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  ?.env?.MULTIPART_PUSH_SOAK === "1";
const CLIENTS = soak ? 10_000 : 1_000;
// workerd lets one request hold 6 outgoing connections (the test runs inside a request).
const CONCURRENCY = runtime === "workerd" ? 4 : 50;

/** Clients that got at least a byte of the response, so the churn is not all refused connects. */
let answered = 0;

type NetSocket = {
  write(data: string): void;
  destroy(): void;
  on(event: "data", cb: (chunk: Uint8Array) => void): void;
  on(event: "connect" | "close", cb: () => void): void;
  on(event: "error", cb: (error: Error) => void): void;
};
type Net = { connect(port: number, host: string): NetSocket };

/**
 * A raw HTTP/1.1 client on node:net that leaves at a random point: before
 * sending, mid-request, after the request, after the response head, after a
 * few chunks. It destroys its socket, so the server sees the close for sure
 * (Deno's fetch, cancelled mid-body, sometimes keeps the socket open unread,
 * which to a server is a stalled client, not one that left).
 */
function rawClient(net: Net, port: number, rand: (n: number) => number): Promise<void> {
  const leave = rand(6);
  const chunks = leave < 4 ? 0 : leave === 4 ? 1 : 2 + rand(6);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let seen = 0;
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.on("error", (error) => (seen === 0 && leave < 2 ? done() : reject(error)));
    socket.on("close", () => resolve());
    socket.on("connect", () => {
      if (leave === 0) return done();
      const request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      if (leave === 1) {
        socket.write(request.slice(0, 1 + rand(request.length - 2)));
        return done();
      }
      socket.write(request);
      if (leave === 2) setTimeout(done, rand(5));
    });
    socket.on("data", () => {
      if (seen === 0) answered++;
      if (++seen > chunks) done();
    });
  });
}

/** A client in the same isolate (workerd): the hub's response read, then cancelled or aborted. */
async function inProcessClient(hub: PushHub, rand: (n: number) => number): Promise<void> {
  const controller = new AbortController();
  const response = hub.response(new Request("http://127.0.0.1/", { signal: controller.signal }));
  const leave = rand(4);
  if (leave === 0) return controller.abort();
  const reader = response.body!.getReader();
  answered++;
  for (let i = leave === 1 ? 0 : 1 + rand(6); i > 0; i--) {
    if ((await reader.read()).done) break;
    if (rand(3) === 0) await delay(rand(5));
  }
  if (rand(2)) await reader.cancel();
  else controller.abort();
}

// The harness serves loopback requests from the test's own request; a hub shared between them makes
// workerd cancel the served requests as hung (I/O of one request awaited from another).
const clientNote = runtime === "workerd"
  ? " (in-process clients on workerd: served requests waiting on the test's hub are cancelled as hung)"
  : "";

describe(`PushHub churn on a real server (${runtime})`, () => {
  it(
    `${CLIENTS} clients join and leave at random points: every source finally ran, 0 subscribers, no timer left, nothing retained${clientNote}${gcNote}`,
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
      const server = runtime === "workerd" ? undefined : await serve((r) => hub.response(r));
      const net = runtime === "workerd" ? undefined : (await import("node:net")) as unknown as Net;
      const port = server ? Number(new URL(server.url).port) : 0;
      const rand = prng(0xc4a2);
      const wave = async (count: number): Promise<void> => {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < count) {
            next++;
            await (net ? rawClient(net, port, rand) : inProcessClient(hub, rand));
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
      };
      const settled = (): string =>
        `subscribers ${hub.subscribers}, retained ${hub.retainedBytes}, started ${started}, finished ${finished}`;
      try {
        // A first wave (10%, at least 300) warms up the server and the JIT before the heap
        // baseline: Bun's heap grows ~0.3 MiB once in its first thousand connections (the same
        // after 10,000 or 30,000 clients, so not per client).
        await wave(Math.max(300, CLIENTS / 10));
        await until(() => hub.subscribers === 0 && finished === started, 10_000, settled);
        const before = await heapAfterGc();
        // Every timer set during the churn (hub keep-alive, linger, fps, the source's own delays).
        const timers = trackTimers();
        try {
          await wave(CLIENTS);
          await until(() => hub.subscribers === 0 && finished === started, 10_000, settled);
          assert.equal(hub.retainedBytes, 0);
          // The keep-alive timer stops with the last subscriber, linger fires 10 ms after it.
          await until(() => timers.live() === 0, 1000, () => `${timers.live()} timers still live`);
        } finally {
          timers.stop();
        }
        assert.ok(answered > CLIENTS / 4, `${answered} clients got a response`);
        assert.ok(started > 1, `the source restarted as viewers came back (${started} runs)`);
        if (before !== undefined) {
          const after = (await heapAfterGc())!;
          assert.ok(
            after <= before * 1.1,
            `heap ${(after / 1048576).toFixed(1)} MiB after, ${
              (before / 1048576).toFixed(1)
            } MiB before`,
          );
        }
      } finally {
        hub.close();
        await server?.close();
      }
    },
  );
});
