// watchImage's rules on every runtime, with a stand-in <img> (the real engines are in
// browsers.test.ts): bad input, reload after stallMs, no reload while frames come,
// backoff after errors, stop().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type WatchedImage, watchImage } from "../../lib/browser/watch_image.ts";

/** An object shaped like an <img>: fires its listeners on demand, records src changes. */
function fakeImage(): WatchedImage & { fire(type: "load" | "error"): void; sources: string[] } {
  const listeners = new Map<string, Set<() => void>>();
  const sources: string[] = [];
  let src = "http://cam.test/stream";
  return {
    get src() {
      return src;
    },
    set src(value: string) {
      src = value;
      sources.push(value);
    },
    naturalWidth: 32,
    sources,
    addEventListener: (type, listener) => {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener: (type, listener) => void listeners.get(type)?.delete(listener),
    fire: (type) => listeners.get(type)?.forEach((listener) => listener()),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("watchImage", () => {
  it("refuses a bad image or option, naming it", () => {
    assert.throws(() => watchImage(null as never), /img must be an <img> element, got null/);
    assert.throws(
      () => watchImage(fakeImage(), { stallMs: "100" as never }),
      /options\.stallMs must be a number of milliseconds > 0 .* got the string "100"/,
    );
    assert.throws(() => watchImage(fakeImage(), { retryMs: -1 }), RangeError);
  });

  it("reloads a push with no new frame for stallMs, with a fresh URL", async () => {
    const img = fakeImage();
    const reasons: string[] = [];
    const started = Date.now();
    const stop = watchImage(img, {
      stallMs: 200,
      retryMs: 20,
      onReload: (i) => reasons.push(i.reason),
    });
    try {
      while (img.sources.length === 0 && Date.now() - started < 2000) await sleep(10);
      const ms = Date.now() - started;
      assert.ok(ms >= 200 && ms < 1000, `reloaded after ${ms} ms`);
      assert.deepEqual(reasons, ["stall"]);
      assert.match(img.sources[0], /^http:\/\/cam\.test\/stream\?reload=\d+$/);
    } finally {
      stop();
    }
  });

  it("does not reload while frames keep coming (load events)", async () => {
    const img = fakeImage();
    const stop = watchImage(img, { stallMs: 150, retryMs: 10 });
    try {
      for (let i = 0; i < 15; i++) {
        img.fire("load");
        await sleep(30);
      }
      assert.deepEqual(img.sources, []);
    } finally {
      stop();
    }
  });

  it("backs off after errors, and stop() ends it all", async () => {
    const img = fakeImage();
    const waits: number[] = [];
    let last = Date.now();
    const stop = watchImage(img, {
      stallMs: 10_000,
      retryMs: 40,
      maxRetryMs: 1000,
      onReload: () => {
        waits.push(Date.now() - last);
        last = Date.now();
        queueMicrotask(() => img.fire("error"));
      },
    });
    img.fire("error");
    await sleep(700);
    stop();
    const count = img.sources.length;
    await sleep(300);
    assert.equal(img.sources.length, count, "no reload after stop()");
    // 20-40, 40-80, 80-160, 160-320 ms: growing waits, about 4 tries in 700 ms.
    assert.ok(waits.length >= 3 && waits.length <= 6, `tries: ${waits}`);
    assert.ok(waits[waits.length - 1] > waits[0], `waits grow: ${waits}`);
  });
});
