// Issue 10, item 4 at volume: pushes whose onError throws (a logger that fails), through every
// encoder path that reports an error — a bad part, a throwing source, a return() that rejects
// after a bad part or after the client left, a streamed body that stalls past idleTimeout. None
// may become an unhandled rejection or an uncaught exception, every source's return() runs and
// every stalled body is cancelled. CI count here; `npm run soak` sets MULTIPART_PUSH_SOAK=1.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay } from "../_helpers/streams.ts";
import { watchUnhandled } from "../_helpers/unhandled.ts";

const soak = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  ?.env?.MULTIPART_PUSH_SOAK === "1";
const PUSHES = soak ? 20_000 : 1_000;

type Fault = "bad part" | "throws" | "return rejects" | "client leaves" | "body stalls";
const FAULTS: Fault[] = ["bad part", "throws", "return rejects", "client leaves", "body stalls"];

/** Counts what the sources and bodies saw, over all pushes. */
const seen = { returns: 0, cancels: 0, onError: 0 };

function source(fault: Fault): AsyncIterable<Part> {
  let step = 0;
  const iterator: AsyncIterator<Part> = {
    next() {
      step++;
      if (fault === "throws" && step === 2) return Promise.reject(new Error("camera gone"));
      if (fault === "bad part" || fault === "return rejects") {
        if (step === 2) return Promise.resolve({ done: false, value: { contentType: "" } as Part });
      }
      if (fault === "body stalls" && step === 2) {
        const body = new ReadableStream<Uint8Array>({
          start: (c) => c.enqueue(new Uint8Array([1])),
          cancel: () => void seen.cancels++,
        });
        return Promise.resolve({ done: false, value: { contentType: "a/b", body } });
      }
      return Promise.resolve({ done: false, value: { contentType: "text/plain", body: "x" } });
    },
    return() {
      seen.returns++;
      if (fault === "return rejects" || fault === "client leaves") {
        return Promise.reject(new Error("return failed"));
      }
      return Promise.resolve({ done: true, value: undefined });
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

async function run(fault: Fault): Promise<void> {
  const stream = pushStream(source(fault), {
    idleTimeout: 20,
    onError: () => {
      seen.onError++;
      throw new Error("the logger failed");
    },
  });
  const reader = stream.getReader();
  if (fault === "client leaves") {
    await reader.read();
    await reader.read();
    await reader.cancel();
    return;
  }
  await assert.rejects(async () => {
    while (!(await reader.read()).done);
  });
}

describe(`a throwing onError over ${PUSHES} pushes (issue 10, item 4)`, () => {
  it("never escapes, and every return() and stalled body is still handled", async () => {
    const watch = watchUnhandled();
    try {
      for (let i = 0; i < PUSHES; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, PUSHES - i) }, (_, j) => run(FAULTS[(i + j) % 5])),
        );
      }
      await delay(100);
    } finally {
      assert.deepEqual(watch.stop().slice(0, 3), []);
    }
    const each = PUSHES / FAULTS.length;
    // "throws" ends the source itself, so it gets no return(); the four others do.
    assert.equal(seen.returns, 4 * each, "return() ran for every source left open");
    assert.equal(seen.cancels, each, "every stalled body was cancelled");
    // One report per fault ("client leaves" has none), one per rejected return() (two kinds).
    assert.equal(seen.onError, 6 * each, "onError heard every error");
  });
});
