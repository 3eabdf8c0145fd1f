import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { deferred, delay, latin1, readAll, within } from "../_helpers/streams.ts";

/** Frames whose bodies hold every byte value, CRLFs and dashes. */
function frames(): Part[] {
  const all = new Uint8Array(512).map((_, i) => i % 256);
  return [
    { contentType: "application/octet-stream", body: all },
    { contentType: "text/plain", body: "\r\n--not-the-boundary\r\n\r\n" },
    {
      contentType: "image/jpeg",
      body: new Uint8Array(70_000).fill(0xd9),
      headers: { "X-Frame": "3" },
    },
  ];
}

let finallyRan = deferred();

/** A source that never awaits: between parts it is parked at a `yield`. */
function parked(): AsyncIterableIterator<Part> {
  let i = 0;
  const iterator: AsyncIterableIterator<Part> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () =>
      Promise.resolve({ done: false, value: { contentType: "text/plain", body: `tick ${i++}` } }),
    return: () => {
      finallyRan.resolve();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return iterator;
}

async function disconnectMidPush(path: string): Promise<void> {
  finallyRan = deferred();
  const controller = new AbortController();
  const response = await fetch(new URL(path, server.url), { signal: controller.signal });
  const reader = response.body!.getReader();
  let seen = "";
  while (!seen.includes("tick 2")) seen += latin1((await reader.read()).value!);
  controller.abort();
  await reader.cancel().catch(() => {});
  await within(1000, "source finally after disconnect", finallyRan.promise);
}
let server: Served;

describe(`pushResponse on a real ${runtime} server`, () => {
  before(async () => {
    server = await serve((request, ctx) => {
      const path = new URL(request.url).pathname;
      if (path === "/finite") return pushResponse(frames(), { boundary: "wire-test", request });
      if (path === "/mixed") {
        return pushResponse(frames(), { boundary: "wire-test", mode: "mixed" });
      }
      if (path === "/parked") return pushResponse(parked(), { request });
      async function* endless(): AsyncGenerator<Part> {
        try {
          for (let i = 0;; i++) {
            yield { contentType: "text/plain", body: `tick ${i}` };
            await delay(20);
          }
        } finally {
          finallyRan.resolve();
        }
      }
      return pushResponse(endless(), { request, waitUntil: (promise) => ctx.waitUntil(promise) });
    });
  });
  after(() => server.close());

  for (const mode of ["replace", "mixed"] as const) {
    it(`delivers the ${mode} stream byte for byte with the push headers`, async () => {
      const response = await fetch(new URL(mode === "replace" ? "finite" : "mixed", server.url));
      // fetch() sends no Sec-Fetch-Dest and Accept */*: reader framing, as a media reader gets.
      const expected = await readAll(
        pushStream(frames(), { boundary: "wire-test", mode, advanceHeaders: false }),
      );
      assert.equal(response.status, 200);
      assert.equal(
        response.headers.get("content-type"),
        `multipart/${mode === "replace" ? "x-mixed-replace" : "mixed"};boundary=wire-test`,
      );
      assert.equal(
        response.headers.get("cache-control"),
        "no-cache, no-store, must-revalidate, no-transform",
      );
      assert.equal(response.headers.get("x-accel-buffering"), "no");
      assert.equal(latin1(await readAll(response.body!)), latin1(expected));
    });
  }

  it("calls the source's return() within 1 s of the client disconnecting mid-push", async () => {
    await disconnectMidPush("parked");
  });

  it(
    "runs an async generator's finally within 1 s of the client disconnecting while it awaits a timer (on workerd through waitUntil)",
    () => disconnectMidPush("endless"),
  );

  it(
    `sends the headers on the wire as written, no space before boundary, no Transfer-Encoding of ours (curl${
      canSpawn ? "" : "; skipped on workerd: no subprocesses"
    })`,
    { skip: !canSpawn },
    async () => {
      const { execFile } = await import("node:child_process");
      const raw = await new Promise<string>((resolve, reject) =>
        execFile(
          "curl",
          ["-sS", "--http1.1", "-i", new URL("finite", server.url).href],
          { encoding: "latin1", maxBuffer: 1 << 24 },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        )
      );
      const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
      assert.match(head, /^content-type: multipart\/x-mixed-replace;boundary=wire-test$/im);
      assert.ok((head.match(/^transfer-encoding:/gim) ?? []).length <= 1, head);
      assert.ok(!/^connection: close/im.test(head), head);
      assert.ok(
        raw.includes(
          "--wire-test\r\nContent-Type: application/octet-stream\r\nContent-Length: 512\r\n\r\n",
        ),
      );
    },
  );
});
