// Issue 10's PushHub cases at scale: viewers at the fps floor (timers per second), a HEAD flood on
// the real server, viewers that never read (dropped after idleTimeout; bytes retained, RSS), and
// sources whose onError throws on every run (restarts, no unhandled rejection). CI runs small
// counts; `npm run soak` (MULTIPART_PUSH_SOAK=1) the full ones. Each case prints its figures.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve } from "../_helpers/serve.ts";
import { delay, until, within } from "../_helpers/streams.ts";

type Proc = {
  env?: Record<string, string | undefined>;
  memoryUsage?: () => { rss: number };
  on?(name: string, f: (reason: unknown) => void): void;
  off?(name: string, f: (reason: unknown) => void): void;
};
const proc = (globalThis as { process?: Proc }).process;
const soak = proc?.env?.MULTIPART_PUSH_SOAK === "1";
const MiB = 2 ** 20;
// workerd has process.memoryUsage() but reports 0.
const rss = (): string => {
  const bytes = proc?.memoryUsage?.().rss ?? 0;
  return bytes > 0 ? `${(bytes / MiB).toFixed(0)} MiB` : `n/a on ${runtime}`;
};
const frame = (body: string | Uint8Array): Part => ({ contentType: "image/jpeg", body });

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  for await (const _ of stream);
}

describe(`PushHub hardening at scale (${runtime}${soak ? ", soak counts" : ", CI counts"})`, () => {
  it(`200 viewers at the fps floor for ${soak ? 20 : 1} s of 30 fps: a few timers per second, none re-armed in a loop`, async () => {
    const SECONDS = soak ? 20 : 1;
    const original = globalThis.setTimeout;
    let armed = 0;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      armed++;
      assert.ok((ms ?? 0) <= 2 ** 31 - 1, `a timer of ${ms} ms`);
      return original(fn, ms);
    }) as typeof setTimeout;
    const hub = new PushHub({ keepAlive: Infinity });
    let bodies: Promise<void>[] = [];
    const started = Date.now();
    let ticks = 0;
    try {
      for (let i = 0; i < 200; i++) {
        assert.throws(() => hub.response(undefined, { fps: 1e-9 }), RangeError);
      }
      bodies = Array.from(
        { length: 200 },
        () => drain(hub.response(undefined, { fps: 0.001 }).body!),
      );
      for (; Date.now() - started < SECONDS * 1000; ticks++) {
        hub.publish(frame(`frame ${ticks}`));
        await delay(33);
      }
    } finally {
      globalThis.setTimeout = original;
    }
    const hubTimers = armed; // the test's own delays run on the runtime's timers (clock.ts)
    const perSecond = hubTimers / ((Date.now() - started) / 1000);
    console.log(
      `fps floor: the hub armed ${hubTimers} timers in ${SECONDS} s for 200 viewers at 30 fps ` +
        `(${perSecond.toFixed(1)}/s; one fps timer per viewer, then none)`,
    );
    assert.ok(hubTimers <= 200 + 10, `${hubTimers} timers`);
    hub.close();
    await Promise.all(bodies);
  });

  it(`a flood of ${soak ? "20,000" : "300"} HEAD requests on the real server holds no slot (maxSubscribers 50)`, async () => {
    const HEADS = soak ? 20_000 : 300;
    const hub = new PushHub({ maxSubscribers: 50, keepAlive: Infinity });
    hub.publish(frame("x"));
    const server = await serve((request) => hub.response(request));
    const t0 = Date.now();
    try {
      let next = 0;
      await Promise.all(Array.from({ length: 10 }, async () => {
        while (next < HEADS) {
          next++;
          const response = await fetch(server.url, { method: "HEAD" });
          assert.equal(response.status, 200);
          await response.arrayBuffer();
          assert.equal(hub.subscribers, 0);
        }
      }));
      const took = (Date.now() - t0) / 1000;
      console.log(
        `HEAD flood: ${HEADS} HEADs in ${took.toFixed(1)} s, 0 subscribers, RSS ${rss()}`,
      );
      const get = await within(5000, "a GET after the flood", fetch(server.url));
      assert.equal(get.status, 200);
      await get.body!.cancel();
    } finally {
      hub.close();
      await server.close();
    }
  });

  it(`${soak ? "5,000" : "300"} responses never read, 100 KB at 30 fps: all dropped after idleTimeout, one frame retained`, async () => {
    const VIEWERS = soak ? 5_000 : 300;
    const IDLE = soak ? 2_000 : 500;
    const FRAME = 100_000;
    const hub = new PushHub({ idleTimeout: IDLE, keepAlive: Infinity });
    const responses = Array.from({ length: VIEWERS }, () => hub.response());
    const reader = drain(hub.response().body!);
    let real = 0;
    let summed = 0;
    const t0 = Date.now();
    let dropped = 0;
    for (let i = 0; Date.now() - t0 < IDLE * 2; i++) {
      const body = new Uint8Array(FRAME);
      body[0] = i;
      hub.publish(frame(body));
      real = Math.max(real, hub.retainedBytes);
      summed = Math.max(summed, hub.subscriberBytes);
      if (!dropped && hub.subscribers === 1) dropped = Date.now() - t0;
      await delay(33);
    }
    console.log(
      `never read: ${VIEWERS} viewers dropped ${dropped} ms in (idleTimeout ${IDLE}); ` +
        `retainedBytes max ${real} (one frame), subscriberBytes max ${summed}, RSS ${rss()}`,
    );
    assert.ok(dropped >= IDLE - 50 && dropped < IDLE * 2, `dropped after ${dropped} ms`);
    assert.ok(real < 2 * (FRAME + 200), `retainedBytes ${real}`);
    assert.equal(hub.subscribers, 1);
    const errors = await Promise.all(responses.map((r) => r.text().then(() => "", String)));
    assert.ok(errors.every((e) => /took no bytes for idleTimeout/.test(e)));
    hub.close();
    await reader;
  });

  it(`${soak ? "10,000" : "200"} failing source runs whose onError throws: each viewer restarts it, no unhandled rejection`, async () => {
    const RUNS = soak ? 10_000 : 200;
    const seen: unknown[] = [];
    const onNode = (reason: unknown): void => void seen.push(reason);
    const onEvent = (event: Event): void => {
      event.preventDefault();
      seen.push((event as PromiseRejectionEvent).reason);
    };
    const nodeLike = (runtime === "node" || runtime === "bun") && proc?.on;
    if (nodeLike) proc!.on!("unhandledRejection", onNode);
    else globalThis.addEventListener("unhandledrejection", onEvent);
    let calls = 0;
    let starts = 0;
    const hub = PushHub.from(async function* (): AsyncGenerator<Part> {
      starts++;
      yield frame("first");
      throw new Error("camera unplugged");
    }, {
      linger: 0,
      keepAlive: Infinity,
      onError: () => {
        calls++;
        throw new Error("the logger is down");
      },
    });
    const t0 = Date.now();
    try {
      for (let i = 0; i < RUNS; i++) {
        await assert.rejects(hub.response().text());
        await until(() => calls === i + 1, 2000, `onError of run ${i + 1}`, 1);
      }
      await delay(50);
    } finally {
      if (nodeLike) proc!.off!("unhandledRejection", onNode);
      else globalThis.removeEventListener("unhandledrejection", onEvent);
      hub.close();
    }
    console.log(
      `onError throws: ${RUNS} runs in ${((Date.now() - t0) / 1000).toFixed(1)} s, ` +
        `${starts} starts, ${seen.length} unhandled rejections, RSS ${rss()}`,
    );
    assert.equal(starts, RUNS);
    assert.deepEqual(seen, []);
  });
});
