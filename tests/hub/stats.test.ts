// hub.stats() and the onSubscribe / onUnsubscribe hooks (issue 11): a JSON-ready picture of the
// viewers, the source's state, frames and fps in and out, bytes retained; throwing hooks contained.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { RateMeter, type ViewerStats } from "../../lib/hub/stats.ts";
import type { Part } from "../../lib/push/part.ts";
import { installClock } from "../_helpers/clock.ts";
import { delay, until } from "../_helpers/streams.ts";

const frame = (body: string | Uint8Array): Part => ({ contentType: "text/plain", body });
const get = (query = "", ua = "test-agent/1"): Request =>
  new Request(`http://h/cam${query}`, { headers: { "User-Agent": ua } });

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  for await (const _ of stream);
}

describe("hub.stats()", () => {
  it("viewers (id, joinedAt, key, user agent, frames sent and dropped, bytes held), frames and bytes; JSON-ready", async () => {
    // Five frames 20 ms apart on the test clock: the rates are of 100 ms, however loaded the
    // machine (on the real clock a late turn stretched them past the second the meter counts).
    const clock = installClock();
    await clock.advance(1000 - (Date.now() % 1000)); // at a whole second: one bucket of the meter
    const hub = new PushHub({ keepAlive: Infinity });
    const before = Date.now();
    const reading = hub.response(get("?key=lobby"));
    const stalled = hub.response(get("?key=door&x=1", "curl/8"));
    const done = drain(reading.body!);
    let stats;
    try {
      for (let i = 0; i < 5; i++) {
        hub.publish(frame(new Uint8Array(1000).fill(i)));
        await clock.advance(20);
        await delay(1); // the reading viewer takes the frame within microtasks: a turn is enough
      }
      stats = hub.stats();
    } finally {
      clock.uninstall();
    }
    assert.deepEqual(JSON.parse(JSON.stringify(stats)), stats, "plain numbers, strings, arrays");
    assert.equal(stats.source, "running");
    assert.equal(stats.framesPublished, 5);
    assert.equal(stats.fpsIn, 5, "5 frames in the last second");
    assert.equal(stats.fpsOut, 5, "5 frames sent in the last second");
    const [a, b] = stats.viewers;
    assert.equal(a.id, 1);
    assert.equal(b.id, 2);
    assert.equal(a.joinedAt, before, "joined when the response was made");
    assert.equal(a.key, "lobby");
    assert.equal(b.key, "door");
    assert.equal(a.userAgent, "test-agent/1");
    assert.equal(b.userAgent, "curl/8");
    // It keeps the last frame (a view of its shared buffer) to repeat it at the end.
    assert.deepEqual([a.framesSent, a.framesDropped, a.bytesHeld], [5, 0, 1000]);
    assert.equal(b.framesSent, 0);
    assert.equal(b.framesDropped, 4, "the stalled viewer's slot was replaced 4 times");
    assert.ok(b.bytesHeld >= 1000 && b.bytesHeld < 1200, `${b.bytesHeld}`);
    assert.equal(stats.retainedBytes, hub.retainedBytes);
    assert.equal(stats.subscriberBytes, hub.subscriberBytes);
    hub.close();
    await done;
    await stalled.body!.cancel();
    assert.deepEqual(hub.stats().viewers, []);
    assert.equal(hub.stats().source, "stopped");
  });

  it("an fps cap of 5 sends at most one frame per 200 ms; every frame is sent, dropped or held", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const capped = drain(hub.response(get(), { fps: 5 }).body!);
    const free = drain(hub.response(get()).body!);
    const t0 = Date.now();
    let published = 0;
    for (; Date.now() - t0 < 1500; published++) {
      hub.publish(frame(`f${published}`));
      await delay(25);
    }
    const [slow, fast] = hub.stats().viewers;
    const elapsed = Date.now() - t0;
    // The cap is a floor on the gap between frames, so this bound holds however loaded the
    // machine is (the rates themselves: the RateMeter tests below, at fixed instants).
    assert.ok(slow.framesSent >= 1, "the capped viewer got a frame");
    assert.ok(
      slow.framesSent <= 1 + Math.floor(elapsed / 200),
      `capped at 5 fps: ${slow.framesSent} frames in ${elapsed} ms`,
    );
    for (const [name, viewer] of [["capped", slow], ["uncapped", fast]] as const) {
      // At most one frame waits (latest wins), and then bytes are held for it. (bytesHeld alone
      // does not tell: a viewer also keeps its last frame to repeat at the end.)
      const held = published - viewer.framesSent - viewer.framesDropped;
      assert.ok(
        held === 0 || (held === 1 && viewer.bytesHeld > 0),
        `${name}: ${viewer.framesSent} sent, ${viewer.framesDropped} dropped of ${published}`,
      );
    }
    hub.close();
    await Promise.all([capped, free]);
  });

  it("source state, publish-driven: offline, running, offline after idleTimeout, stopped when closed", async () => {
    const clock = installClock();
    try {
      const hub = new PushHub({ idleTimeout: 150 });
      assert.equal(hub.stats().source, "offline", "no frame yet");
      hub.publish(frame("x"));
      assert.equal(hub.stats().source, "running");
      await clock.advance(149);
      assert.equal(hub.stats().source, "running", "149 ms after the frame");
      await clock.advance(1);
      assert.equal(hub.stats().source, "offline", "nothing for idleTimeout");
      hub.close();
      assert.equal(hub.stats().source, "stopped");
    } finally {
      clock.uninstall();
    }
  });

  it("source state, PushHub.from: stopped, running, stuck while a stopped run holds a restart back", async () => {
    let calls = 0;
    const hub = PushHub.from(async function* () {
      const run = ++calls;
      yield frame(`run ${run}`);
      if (run === 1) await new Promise(() => {}); // ignores its signal: return() never settles
      for (;;) {
        await delay(10);
        yield frame(`run ${run}`);
      }
    }, { linger: 0, keepAlive: Infinity, stopTimeout: 300 });
    assert.equal(hub.stats().source, "stopped");
    const first = hub.response().body!.getReader();
    await first.read();
    await first.read(); // run 1's frame
    assert.equal(hub.stats().source, "running");
    const pending = first.read(); // run 1 is pulled and hangs
    await delay(20);
    await first.cancel();
    await pending.catch(() => {});
    const second = drain(hub.response().body!);
    assert.equal(
      hub.stats().source,
      "stuck",
      "a viewer waits for a restart the stuck run holds back",
    );
    await until(() => hub.stats().source === "running", 2000, "the new run after stopTimeout");
    hub.close();
    await second;
    assert.equal(hub.stats().source, "stopped");
  });
});

describe("the fps meter (RateMeter), at fixed instants", () => {
  it("counts the current second plus the part of the previous one still within the last second", () => {
    const meter = new RateMeter();
    for (const at of [10_000, 10_200, 10_400, 10_600, 10_800]) meter.tick(at);
    assert.equal(meter.rate(10_900), 5, "5 in the current second, none before");
    assert.equal(meter.rate(11_000), 5, "the previous second whole");
    assert.equal(meter.rate(11_500), 2.5, "half of the previous second");
    meter.tick(11_600);
    assert.equal(meter.rate(11_750), 2.3, "a quarter of 5 and 1: 2.25, rounded to 0.1");
    assert.equal(meter.rate(12_000), 1, "the second before (1 tick) whole");
    assert.equal(meter.rate(13_100), 0, "more than a second without a tick");
  });

  it("a gap of a whole second forgets the second before it", () => {
    const meter = new RateMeter();
    for (const at of [20_100, 20_200, 20_300]) meter.tick(at);
    meter.tick(22_100);
    assert.equal(meter.rate(22_500), 1, "20.x is two seconds back");
  });
});

describe("onSubscribe / onUnsubscribe", () => {
  it("called for each GET viewer (not HEAD, not 503) with its figures, and when it leaves", async () => {
    const joined: ViewerStats[] = [];
    const left: ViewerStats[] = [];
    const hub = new PushHub({
      maxSubscribers: 2,
      keepAlive: Infinity,
      onSubscribe: (viewer) => joined.push(viewer),
      onUnsubscribe: (viewer) => left.push(viewer),
    });
    const a = hub.response(get("?key=a"));
    const b = hub.response(get("?key=b"));
    hub.response(new Request("http://h/cam", { method: "HEAD" }));
    assert.equal(hub.response(get("?key=c")).status, 503);
    assert.deepEqual(joined.map((v) => [v.id, v.key, v.framesSent]), [[1, "a", 0], [2, "b", 0]]);
    const reader = a.body!.getReader();
    await reader.read();
    hub.publish(frame("hello"));
    await reader.read();
    await reader.cancel();
    assert.deepEqual(left.map((v) => [v.id, v.key, v.framesSent]), [[1, "a", 1]]);
    hub.close();
    await b.body!.cancel();
    assert.deepEqual(left.map((v) => v.id), [1, 2]);
  });

  it("a mixed-mode viewer cut past maxQueue reports every frame it never saw as dropped", async () => {
    const left: ViewerStats[] = [];
    const hub = new PushHub({ mode: "mixed", maxQueue: 2, onUnsubscribe: (s) => left.push(s) });
    const response = hub.response(get());
    // Never read: frames 1 and 2 are held, frame 3 is one too many and cuts the viewer.
    for (let i = 1; i <= 3; i++) hub.publish(frame(`f${i}`));
    assert.equal(left.length, 1, "cut at the third frame");
    assert.deepEqual([left[0].framesSent, left[0].framesDropped], [0, 3], "3 frames unseen");
    await assert.rejects(drain(response.body!), /fell more than maxQueue \(2\) parts behind/);
    hub.close();
  });

  it("hooks that throw are contained: viewers are served and leave normally", async () => {
    let calls = 0;
    const hub = PushHub.from(() => [frame("one"), frame("two")], {
      linger: 0,
      keepAlive: Infinity,
      onSubscribe: () => {
        calls++;
        throw new Error("metrics down");
      },
      onUnsubscribe: () => {
        calls++;
        throw new Error("metrics down");
      },
    });
    for (let i = 0; i < 3; i++) {
      const text = await hub.response(get()).text();
      assert.match(text, /two/);
    }
    assert.equal(calls, 6);
    assert.equal(hub.subscribers, 0);
    hub.close();
  });

  it("a hook that is not a function is a TypeError naming it", () => {
    assert.throws(() => new PushHub({ onSubscribe: "log" as never }), {
      name: "TypeError",
      message: 'options.onSubscribe must be a function, got the string "log"',
    });
    assert.throws(() => new PushHub({ onUnsubscribe: null as never }), /options\.onUnsubscribe/);
  });
});
