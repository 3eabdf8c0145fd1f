// PushHub.from hardening (issue 10, items 3, 4, 7, 13): a malformed iterator result, a throwing
// onError, a source that ignores its AbortSignal, a one-shot source; each must leave the hub able
// to serve the next viewer, with no unhandled rejection.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { installClock, settledAfterTurn } from "../_helpers/clock.ts";
import { delay, until, within } from "../_helpers/streams.ts";

const decoder = new TextDecoder();
const frame = (body: string): Part => ({ contentType: "text/plain", body });

/** Reads until a chunk contains `text`; fails on end or error. */
async function waitFor(response: Response, text: string): Promise<string> {
  const reader = response.body!.getReader();
  let seen = "";
  while (!seen.includes(text)) {
    const { value, done } = await reader.read();
    assert.equal(done, false, `ended before "${text}": ${seen}`);
    seen += decoder.decode(value);
  }
  await reader.cancel();
  return seen;
}

type Listener = (...args: never[]) => void;
type Emitter = { on(name: string, f: Listener): void; off(name: string, f: Listener): void };

/** Records unhandled rejections until `stop()` (Node and Bun: process events; else the DOM event). */
function watchRejections(): { seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const proc = (globalThis as unknown as { process?: Emitter }).process;
  if ((runtime === "node" || runtime === "bun") && proc) {
    const listener = (reason: unknown): void => void seen.push(reason);
    proc.on("unhandledRejection", listener);
    return { seen, stop: () => proc.off("unhandledRejection", listener) };
  }
  const listener = (event: Event): void => {
    event.preventDefault();
    seen.push((event as PromiseRejectionEvent).reason);
  };
  globalThis.addEventListener("unhandledrejection", listener);
  return { seen, stop: () => globalThis.removeEventListener("unhandledrejection", listener) };
}

/** A source whose first run is `first`, then a healthy run yielding "run N frame i". */
function runs(first: (signal: AbortSignal) => AsyncIterator<Part>) {
  const stats = { calls: 0 };
  const source = (signal: AbortSignal): AsyncIterable<Part> => ({
    [Symbol.asyncIterator]: () => {
      const run = ++stats.calls;
      if (run === 1) return first(signal);
      return (async function* () {
        for (let i = 0;; i++) {
          yield frame(`run ${run} frame ${i}`);
          await delay(10);
        }
      })();
    },
  });
  return { stats, source };
}

describe("PushHub.from: a next() resolving to a non-object (issue 10, item 3)", () => {
  for (const bad of [undefined, null, 42, "x"]) {
    it(`next() resolving to ${String(bad)}: onError, viewers broken, return() called, restart works`, async () => {
      const errors: unknown[] = [];
      let returned = 0;
      const { stats, source } = runs(() => ({
        next: () => Promise.resolve(bad as unknown as IteratorResult<Part>),
        return: () => {
          returned++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }));
      const hub = PushHub.from(source, { linger: 0, onError: (e) => errors.push(e) });
      await assert.rejects(within(1000, "the broken viewer", hub.response().text()));
      await until(() => errors.length === 1, 1000, "onError");
      assert.ok(errors[0] instanceof TypeError);
      assert.match(
        String(errors[0]),
        /^TypeError: source: the iterator.s next\(\) must resolve to an object \{ done, value \}, got /,
      );
      await until(() => returned === 1, 1000, "return() on the broken run");
      assert.match(
        await within(2000, "restart", waitFor(hub.response(), "run 2 frame 0")),
        /run 2/,
      );
      assert.equal(stats.calls, 2);
      hub.close();
    });
  }
});

describe("PushHub.from: an onError that throws is contained (issue 10, item 4)", () => {
  const cases: [string, (signal: AbortSignal) => AsyncIterator<Part>][] = [
    ["the source throws", () => ({ next: () => Promise.reject(new Error("camera unplugged")) })],
    ["the source yields a bad part", () => ({
      next: () => Promise.resolve({ done: false, value: { contentType: "", body: "x" } }),
      return: () => Promise.resolve({ done: true, value: undefined }),
    })],
    ["the source's return() rejects", () => {
      let i = 0;
      return {
        next: () => Promise.resolve({ done: false, value: frame(`run 1 frame ${i++}`) }),
        return: () => Promise.reject(new Error("release failed")),
      };
    }],
  ];
  for (const [name, first] of cases) {
    it(`${name}: no unhandled rejection, and the source still restarts`, async () => {
      const rejections = watchRejections();
      let calls = 0;
      const { stats, source } = runs(first);
      const hub = PushHub.from(source, {
        linger: 0,
        keepAlive: Infinity,
        onError: () => {
          calls++;
          throw new Error("the logger is down");
        },
      });
      // The first viewer either breaks (a failing run) or leaves (so return() runs).
      await within(2000, "first viewer", waitFor(hub.response(), "run 1").catch(() => ""));
      await until(() => calls >= 1, 1000, "onError called");
      const text = await within(2000, "restart", waitFor(hub.response(), "run 2 frame 0"));
      assert.match(text, /run 2 frame 0/);
      assert.equal(stats.calls, 2);
      hub.close();
      await delay(50);
      rejections.stop();
      assert.deepEqual(rejections.seen, []);
    });
  }
});

describe("PushHub.from: a source that ignores its AbortSignal (issue 10, item 7)", () => {
  it("after stopTimeout, onError is told and a new run starts anyway", async () => {
    const clock = installClock();
    try {
      const errors: unknown[] = [];
      let released = false;
      const { stats, source } = runs(() =>
        (async function* () {
          yield frame("run 1 frame 0");
          await new Promise(() => {}); // a grab that never returns and never looks at its signal
          released = true;
        })()
      );
      const hub = PushHub.from(source, {
        linger: 0,
        keepAlive: Infinity,
        stopTimeout: 200,
        onError: (e) => errors.push(e),
      });
      const first = hub.response().body!.getReader();
      await first.read(); // the opening boundary
      assert.match(decoder.decode((await first.read()).value), /run 1 frame 0/);
      const pending = first.read(); // demand: the source is pulled and gets stuck in next()
      await delay(20);
      await first.cancel(); // the last viewer leaves: return() waits behind the stuck next()
      await pending.catch(() => {});
      // stopTimeout is the hub's timer: on the test clock the new run starts 200 ms after the
      // stuck stop exactly, however loaded the machine.
      const second = waitFor(hub.response(), "run 2 frame 0");
      await clock.advance(199);
      assert.equal(await settledAfterTurn(second), false, "no new run 199 ms after the stop");
      assert.equal(stats.calls, 1);
      await clock.advance(1);
      assert.match(await within(3000, "the new run", second), /run 2 frame 0/);
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /did not stop within stopTimeout \(200 ms\).*AbortSignal/);
      assert.equal(released, false);
      assert.equal(stats.calls, 2);
      hub.close();
    } finally {
      clock.uninstall();
    }
  });

  it("stopTimeout is checked", () => {
    for (const bad of [0, -1, 2 ** 31, "100"]) {
      assert.throws(() => PushHub.from([], { stopTimeout: bad as number }), {
        name: "RangeError",
        message: /options\.stopTimeout must be a number of milliseconds/,
      });
    }
  });
});

describe("PushHub.from: a source that can be iterated only once (issue 10, item 13)", () => {
  async function* gen(): AsyncGenerator<Part> {
    yield frame("once");
  }
  function* syncGen(): Generator<Part> {
    yield frame("once");
  }
  it("a generator object, iterator or stream with a finite linger is a TypeError saying to pass a function", () => {
    const oneShots: [string, unknown][] = [
      ["AsyncGenerator", gen()],
      ["Generator", syncGen()],
      ["ReadableStream", new ReadableStream()],
      ["Array Iterator", [frame("a")][Symbol.iterator]()],
    ];
    for (const [name, source] of oneShots) {
      for (const linger of [undefined, 0, 50]) {
        assert.throws(() => PushHub.from(source as never, { linger }), {
          name: "TypeError",
          message: new RegExp(
            `^source \\(${name}\\) can be iterated only once.*pass a function that returns a new one`,
          ),
        }, `${name}, linger ${linger}`);
      }
    }
  });

  it("restartable sources, and a one-shot one that is never stopped (linger Infinity), are accepted", async () => {
    PushHub.from([frame("a")], { linger: 0 }).close();
    PushHub.from(() => gen(), { linger: 0 }).close();
    const hub = PushHub.from(gen(), { linger: Infinity });
    assert.match(await within(1000, "frame", waitFor(hub.response(), "once")), /once/);
    hub.close();
  });
});
