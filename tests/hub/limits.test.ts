// PushHub hardening (issue 10, items 6, 9, 10, 17): an fps floor and no timer past 2^31-1 ms,
// a bound for viewers that take no bytes, an errored stream for a mixed viewer cut off at
// maxQueue, and retainedBytes as the memory really held.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { FILL_GAP_MS } from "../../lib/push/framing.ts";
import { installClock } from "../_helpers/clock.ts";
import { within } from "../_helpers/streams.ts";

const frame = (body: string | Uint8Array): Part => ({ contentType: "text/plain", body });
const MAX_TIMER = 2 ** 31 - 1;

/** Counts the timers armed while `run` runs, and the longest delay asked for. */
async function countTimers(run: () => Promise<void>): Promise<{ armed: number; longest: number }> {
  const original = globalThis.setTimeout;
  const seen = { armed: 0, longest: 0 };
  globalThis.setTimeout = ((fn: () => void, ms?: number, ...rest: unknown[]) => {
    seen.armed++;
    seen.longest = Math.max(seen.longest, ms ?? 0);
    return original(fn, ms, ...rest);
  }) as typeof setTimeout;
  try {
    await run();
  } finally {
    globalThis.setTimeout = original;
  }
  return seen;
}

/** Reads a stream until it ends; counts the chunks. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let chunks = 0;
  for await (const _ of stream) chunks++;
  return chunks;
}

describe("PushHub: an fps floor, and no timer past 2^31-1 ms (issue 10, item 6)", () => {
  it("fps below 0.001 is a RangeError naming the floor; 0.001 is taken", () => {
    const hub = new PushHub();
    for (const fps of [1e-9, 0.0009, 0, -1, NaN]) {
      assert.throws(() => hub.response(undefined, { fps }), {
        name: "RangeError",
        message:
          /^init\.fps must be a number >= 0\.001 \(one frame every 1000 s\) or Infinity, got/,
      });
    }
    assert.throws(() => hub.response(undefined, { fps: "5" as never }), /got the string "5"/);
    assert.equal(hub.subscribers, 0, "a refused viewer is not counted");
    hub.response(undefined, { fps: 0.001 }).body!.cancel();
    hub.close();
  });

  it("viewers at the floor with the longest options arm a handful of timers, none past 2^31-1 ms", async () => {
    const VIEWERS = 50;
    const { armed, longest } = await countTimers(async () => {
      const hub = PushHub.from(async function* () {
        for (let i = 0;; i++) yield frame(`frame ${i}`);
      }, {
        keepAlive: MAX_TIMER,
        idleTimeout: MAX_TIMER,
        maxDuration: MAX_TIMER,
        linger: MAX_TIMER,
        stopTimeout: MAX_TIMER,
      });
      const bodies = Array.from(
        { length: VIEWERS },
        () => drain(hub.response(undefined, { fps: 0.001 }).body!),
      );
      for (let i = 0; i < 20; i++) {
        hub.publish(frame(`published ${i}`));
        await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
      }
      await new Promise((resolve) => globalThis.setTimeout(resolve, 300));
      hub.close();
      await Promise.all(bodies);
    });
    assert.ok(longest <= MAX_TIMER, `a timer of ${longest} ms was armed`);
    // One fps timer per viewer, the hub timer, the linger timer, this test's wait: no re-arming.
    assert.ok(armed <= VIEWERS * 2 + 10, `${armed} timers in 300 ms for ${VIEWERS} viewers`);
  });
});

describe("PushHub: a viewer that takes no bytes (issue 10, item 9)", () => {
  for (const mode of ["replace", "mixed"] as const) {
    it(`${mode} mode: a response never read is dropped at idleTimeout while frames flow; readers stay`, async () => {
      // idleTimeout is the hub's deadline and the slow reader's pace is the test's: on the test
      // clock the drop comes at 300 ms exactly, and a loaded machine cannot stretch the slow
      // reader's 100 ms between reads into a stall.
      const clock = installClock();
      const hub = new PushHub({ mode, idleTimeout: 300, keepAlive: Infinity, maxQueue: 1000 });
      try {
        const neverRead = hub.response();
        const reader = drain(hub.response().body!);
        const slow = hub.response().body!.getReader(); // one read every 100 ms: slow, not stalled
        // 900 ms: three idleTimeouts the slow reader must survive.
        for (let t = 0; t < 900; t += 25) {
          hub.publish(frame(`t=${t}`));
          if (t % 100 === 0) await within(2000, `the slow read at ${t} ms`, slow.read());
          if (t !== 275) {
            await clock.advance(25);
            continue;
          }
          await clock.advance(24);
          assert.equal(hub.subscribers, 3, "nobody dropped 299 ms in");
          await clock.advance(1);
          assert.equal(hub.subscribers, 2, "the response never read dropped at 300 ms");
        }
        assert.equal(hub.subscribers, 2, "the reader and the slow reader stay");
        await assert.rejects(neverRead.text(), /took no bytes for idleTimeout \(300 ms\)/);
        hub.close();
        await slow.cancel();
        await clock.advance(FILL_GAP_MS); // the reader's ending may wait out the fill's gap
        assert.ok(await reader > 10);
      } finally {
        hub.close();
        clock.uninstall();
      }
    });
  }
});

describe("PushHub: mixed mode cut-off (issue 10, item 10)", () => {
  it("a viewer that falls maxQueue parts behind gets an errored stream, not a clean close", async () => {
    const hub = new PushHub({ mode: "mixed", maxQueue: 2 });
    const response = hub.response();
    for (let i = 0; i < 3; i++) hub.publish(frame(`part ${i}`));
    assert.equal(hub.subscribers, 0);
    await assert.rejects(within(1000, "read", response.text()), /fell more than maxQueue \(2\)/);
    hub.close();
  });
});

describe("PushHub: retainedBytes is the memory really held (issue 10, item 17)", () => {
  it("500 stalled viewers of one 1 MB frame: retainedBytes ~1 MB, subscriberBytes ~500 MB", async () => {
    const VIEWERS = 500;
    const SIZE = 1 << 20;
    const hub = new PushHub({ keepAlive: Infinity });
    const responses = Array.from({ length: VIEWERS }, () => hub.response());
    hub.publish(frame(new Uint8Array(SIZE)));
    assert.ok(
      hub.retainedBytes >= SIZE && hub.retainedBytes < SIZE + 4096,
      `retainedBytes ${hub.retainedBytes} for one shared ${SIZE}-byte frame`,
    );
    assert.ok(hub.subscriberBytes >= VIEWERS * SIZE, `subscriberBytes ${hub.subscriberBytes}`);
    hub.publish(frame(new Uint8Array(SIZE))); // replaces the held frame for everyone
    assert.ok(hub.retainedBytes < SIZE + 4096, `after a second frame: ${hub.retainedBytes}`);
    // Half the viewers take the second frame: nobody holds it any more, yet a third frame is
    // held by the other half only.
    await Promise.all(
      responses.slice(0, VIEWERS / 2).map(async (response) => {
        const reader = response.body!.getReader();
        await reader.read(); // the opening boundary
        await reader.read(); // the frame
        reader.releaseLock();
      }),
    );
    assert.ok(hub.retainedBytes >= SIZE && hub.retainedBytes < SIZE + 4096);
    assert.ok(hub.subscriberBytes >= (VIEWERS / 2) * SIZE);
    hub.close();
    await Promise.all(responses.map((response) => response.body!.cancel().catch(() => {})));
    assert.equal(hub.retainedBytes, 0);
    assert.equal(hub.subscriberBytes, 0);
  });

  it("an <img> viewer that keeps a body to fill its announced part counts that frame's buffer", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const reader = hub.response(
      new Request("http://h/", { headers: { "Sec-Fetch-Dest": "image" } }),
    )
      .body!.getReader();
    await reader.read();
    hub.publish(frame(new Uint8Array(1000)));
    await reader.read(); // takes the frame; keeps its body to fill the announced part
    assert.ok(hub.retainedBytes >= 1000 && hub.retainedBytes < 1300, `${hub.retainedBytes}`);
    assert.equal(hub.subscriberBytes, 1000);
    await reader.cancel();
    assert.equal(hub.retainedBytes, 0);
    hub.close();
  });
});
