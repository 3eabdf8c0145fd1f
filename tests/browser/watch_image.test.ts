// watchImage's rules on every runtime, with a stand-in <img> (the real engines are in
// browsers.test.ts): bad input, reload after stallMs, no reload while frames come,
// backoff after errors, stop().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type WatchedImage, watchImage } from "../../lib/browser/watch_image.ts";
import { installClock } from "../_helpers/clock.ts";
import { delay, until } from "../_helpers/streams.ts";

/** An object shaped like an <img>: fires its listeners on demand, records src changes. */
function fakeImage(
  initial = "http://cam.test/stream",
): WatchedImage & { fire(type: "load" | "error"): void; sources: string[] } {
  const listeners = new Map<string, Set<() => void>>();
  const sources: string[] = [];
  let src = initial;
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
    const clock = installClock();
    const stop = watchImage(img, {
      stallMs: 200,
      retryMs: 20,
      onReload: (i) => reasons.push(i.reason),
    });
    try {
      // The stall is seen at 200 ms (checks every 50 ms), then the reload waits 10-20 ms.
      await clock.advance(209);
      assert.deepEqual(img.sources, [], "no reload before stallMs and the retry wait");
      await clock.advance(11);
      assert.deepEqual(reasons, ["stall"]);
      assert.equal(img.sources.length, 1);
      assert.match(img.sources[0], /^http:\/\/cam\.test\/stream\?reload=\d+$/);
    } finally {
      stop();
      clock.uninstall();
    }
  });

  it("does not reload while frames keep coming (load events)", async () => {
    const img = fakeImage();
    const clock = installClock();
    // A frame every 299 ms with stallMs 300: the gap never reaches stallMs.
    const stop = watchImage(img, { stallMs: 300, retryMs: 10 });
    try {
      for (let i = 0; i < 10; i++) {
        await clock.advance(299);
        img.fire("load");
      }
      assert.deepEqual(img.sources, []);
      await clock.advance(300 + 10); // frames stop: a stall, seen by the next check, then a retry
      await clock.advance(75);
      assert.equal(img.sources.length, 1, "the reload once frames stopped");
    } finally {
      stop();
      clock.uninstall();
    }
  });

  it("backs off after errors, and stop() ends it all", async () => {
    const img = fakeImage();
    const clock = installClock();
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
    try {
      img.fire("error");
      // Waits of 20-40, 40-80, 80-160, 160-320 ms: 4 tries within 600 ms of the clock.
      await clock.advance(600);
      assert.ok(waits.length >= 4, `4 tries, got ${waits}`);
      stop();
      const count = img.sources.length;
      const tries = waits.length;
      img.fire("error");
      await clock.advance(20_000);
      assert.equal(img.sources.length, count, "no reload after stop(), even on an error event");
      assert.equal(waits.length, tries, "no reload attempt (onReload) after stop()");
      // Try i waits half to all of retryMs * 2^i: it doubles.
      waits.slice(0, 4).forEach((wait, i) => {
        assert.ok(wait >= 20 * 2 ** i && wait <= 40 * 2 ** i, `try ${i + 1} waited ${wait} ms`);
      });
    } finally {
      stop();
      clock.uninstall();
    }
  });

  it("a frame received resets the attempt count; the reload URL keeps the page's query", async () => {
    const img = fakeImage("http://cam.test/stream?cam=2");
    const attempts: number[] = [];
    const stop = watchImage(img, {
      stallMs: 10_000,
      retryMs: 1,
      maxRetryMs: 1,
      onReload: (info) => attempts.push(info.attempt),
    });
    try {
      for (const expected of [1, 2, 3]) {
        img.fire("error");
        await until(() => attempts.length === expected, 5000, `reload ${expected}`, 1);
      }
      img.fire("load"); // a frame
      img.fire("error");
      await until(() => attempts.length === 4, 5000, "reload 4", 1);
      assert.deepEqual(attempts, [1, 2, 3, 1]);
      for (const source of img.sources) {
        assert.match(source, /^http:\/\/cam\.test\/stream\?cam=2&reload=\d+$/);
      }
    } finally {
      stop();
    }
  });

  it("an already-aborted signal stops it at once", async () => {
    const img = fakeImage();
    const controller = new AbortController();
    controller.abort();
    watchImage(img, { stallMs: 20, retryMs: 1, signal: controller.signal });
    img.fire("error");
    await delay(200);
    assert.deepEqual(img.sources, [], "no reload on an error or a stall");
  });
});

describe("watchImage: reloadUrl, for a src that expires", () => {
  it("refuses a reloadUrl, a signal or an onReload that is not what it must be, naming it", () => {
    assert.throws(
      () => watchImage(fakeImage(), { reloadUrl: "http://cam.test/x" as never }),
      /^TypeError: options\.reloadUrl must be a function, got the string "http:\/\/cam\.test\/x"$/,
    );
    assert.throws(
      () => watchImage(fakeImage(), { signal: {} as never }),
      /^TypeError: options\.signal must be an AbortSignal, got an object$/,
    );
    assert.throws(
      () => watchImage(fakeImage(), { onReload: 1 as never }),
      /^TypeError: options\.onReload must be a function, got 1$/,
    );
  });

  it("each reload loads the URL reloadUrl gives, marked fresh", async () => {
    const img = fakeImage("http://cam.test/stream?exp=1&sig=old");
    let signed = 0;
    const stop = watchImage(img, {
      stallMs: 10_000,
      retryMs: 1,
      maxRetryMs: 1,
      reloadUrl: () => Promise.resolve(`http://cam.test/stream?exp=${++signed + 1}&sig=new`),
    });
    try {
      img.fire("error");
      await until(() => img.sources.length === 1, 5000, "reload 1", 1);
      img.fire("error");
      await until(() => img.sources.length === 2, 5000, "reload 2", 1);
      assert.match(img.sources[0], /^http:\/\/cam\.test\/stream\?exp=2&sig=new&reload=\d+$/);
      assert.match(img.sources[1], /^http:\/\/cam\.test\/stream\?exp=3&sig=new&reload=\d+$/);
    } finally {
      stop();
    }
  });

  it("a reloadUrl that throws, rejects or gives no string is a failed try: the next one waits longer", async () => {
    const img = fakeImage();
    const attempts: number[] = [];
    const answers: (() => string | Promise<string>)[] = [
      () => {
        throw new Error("signing service down");
      },
      () => Promise.reject(new Error("401")),
      () => 42 as never,
      () => "http://cam.test/stream?sig=ok",
    ];
    const stop = watchImage(img, {
      stallMs: 10_000,
      retryMs: 1,
      maxRetryMs: 1,
      onReload: (info) => attempts.push(info.attempt),
      reloadUrl: () => answers[attempts.length - 1](),
    });
    try {
      img.fire("error");
      await until(() => img.sources.length === 1, 5000, "a reload after three failed tries", 1);
      assert.deepEqual(attempts, [1, 2, 3, 4]);
      assert.match(img.sources[0], /^http:\/\/cam\.test\/stream\?sig=ok&reload=\d+$/);
    } finally {
      stop();
    }
  });

  it("stop() while reloadUrl is pending: the URL it gives is not loaded", async () => {
    const img = fakeImage();
    let answer: (href: string) => void = () => {};
    let asked = false;
    const stop = watchImage(img, {
      stallMs: 10_000,
      retryMs: 1,
      maxRetryMs: 1,
      reloadUrl: () => {
        asked = true;
        return new Promise<string>((resolve) => (answer = resolve));
      },
    });
    try {
      img.fire("error");
      await until(() => asked, 5000, "reloadUrl called", 1);
    } finally {
      stop();
    }
    answer("http://cam.test/stream?late");
    await delay(20);
    assert.deepEqual(img.sources, []);
  });
});
