/**
 * The scenarios every bus adapter (NATS, Redis) must pass against its real
 * server, written once: byte-exact ordered delivery, a subscription held only
 * while there are viewers, and a server kill and restart.
 */
import assert from "node:assert/strict";
import type { BusSource } from "../../lib/bus/bus_frames.ts";
import type { Part } from "../../lib/push/part.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { type BusServer, untilAsync } from "../_helpers/bus_servers.ts";
import { assertInOrder, frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { delay, until } from "../_helpers/streams.ts";

/**
 * `count` frames published 5 ms apart reach each of `viewers` viewers of a
 * mixed-mode hub byte-exact and in order, none skipped. `source(maxQueue)`
 * is the edge's subscription (the hub holds as many); `subscriptions()` what
 * the server holds.
 */
export async function assertExactDelivery(bus: {
  source: (maxQueue: number) => BusSource;
  publish: (part: Part) => void;
  subscriptions: () => Promise<number>;
  viewers: number;
  count: number;
  maxQueue: number;
}): Promise<void> {
  const { count, maxQueue } = bus;
  const hub = PushHub.from(bus.source(maxQueue), { mode: "mixed", maxQueue, linger: 0 });
  await served((request) => hub.response(request), async (url) => {
    const viewers = Array.from({ length: bus.viewers }, () => watch(url));
    await until(() => hub.subscribers === bus.viewers, 5000, `${bus.viewers} viewers connected`);
    await untilAsync(async () => (await bus.subscriptions()) === 1, 5000, "subscribed");
    for (let seq = 0; seq < count; seq++) {
      bus.publish(frame(seq));
      await delay(5);
    }
    await until(
      () => viewers.every((v) => v.seqs.length === count),
      10_000,
      () => `viewers got ${viewers.map((v) => v.seqs.length)} of ${count}`,
    );
    const all = Array.from({ length: count }, (_, i) => i);
    for (const viewer of viewers) assert.deepEqual(viewer.seqs, all);
    // Mixed mode has no keep-alive: a repeat would have failed the viewer; each part came once.
    for (const viewer of viewers) assert.equal(viewer.parts, count);
    hub.close();
    await Promise.all(viewers.map((v) => v.done));
  });
}

/**
 * With `linger: 200`, the server holds no subscription before the first
 * viewer, one while it watches, and none again 150 ms to 3 s after it left.
 */
export async function assertLazySubscription(
  source: BusSource,
  subscriptions: () => Promise<number>,
): Promise<void> {
  const hub = PushHub.from(source, { linger: 200 });
  await served((request) => hub.response(request), async (url) => {
    assert.equal(await subscriptions(), 0, "no viewer yet, no subscription");
    const viewer = watch(url);
    await untilAsync(async () => (await subscriptions()) === 1, 5000, "subscribed");
    viewer.close();
    await viewer.done;
    const left = performance.now();
    await untilAsync(async () => (await subscriptions()) === 0, 5000, "unsubscribed");
    const took = performance.now() - left;
    assert.ok(took >= 150 && took < 3000, `unsubscribed ${took.toFixed(0)} ms after, linger 200`);
    hub.close();
  });
}

/**
 * A frame every 50 ms to 3 viewers of a `keepAlive: 200` hub; the server is
 * killed for 1 s: every viewer keeps getting the last frame, none is dropped,
 * the publisher reports the outage exactly once (matching `report`; a publish
 * caught in flight by the kill may report its own error), and
 * after the restart every viewer gets live frames within 5 s, in order. A second
 * kill is reported once more, and the viewers get live frames after it too.
 */
export async function assertSurvivesRestart(bus: {
  /** `nats` or `redis`, for the log line. */
  label: string;
  server: BusServer;
  source: BusSource;
  /** Publishes with an `onError` that pushes into `reports`. */
  publish: (part: Part) => void;
  reports: unknown[];
  report: RegExp;
}): Promise<void> {
  const hub = PushHub.from(bus.source, { keepAlive: 200, linger: 0 });
  const outages = (): unknown[] => bus.reports.filter((r) => bus.report.test(String(r)));
  let seq = 0;
  const timer = setInterval(() => bus.publish(frame(seq++, 10_000)), 50);
  try {
    await served((request) => hub.response(request), async (url) => {
      const viewers = Array.from({ length: 3 }, () => watch(url, { keepAlive: true }));
      await until(() => viewers.every((v) => v.seqs.length >= 3), 5000, "frames before the kill");
      await bus.server.kill();
      const killedAt = performance.now();
      const partsAtKill = viewers.map((v) => v.parts);
      const repeatsAtKill = viewers.map((v) => v.repeated.length);
      const lastBefore = Math.max(...viewers.map((v) => v.seqs.at(-1)!));
      await delay(1000);
      // keepAlive 200: the last frame went out again while the bus was down, and only it.
      viewers.forEach((v, i) => assert.ok(v.parts > partsAtKill[i], `viewer ${i} kept nothing`));
      for (const [i, v] of viewers.entries()) {
        const during = v.repeated.slice(repeatsAtKill[i]);
        assert.deepEqual(during, during.map(() => v.seqs.at(-1)), `viewer ${i} repeated ${during}`);
      }
      assert.equal(hub.subscribers, 3, "no viewer was dropped");
      // The publisher dropped the frames of the outage (the client would queue them all) and said so once.
      assert.equal(outages().length, 1, `reports: ${bus.reports}`);
      await bus.server.restart();
      const restartedAt = performance.now();
      await until(
        () => viewers.every((v) => v.seqs.at(-1)! > lastBefore + 5),
        5000,
        () => `live again: last ${viewers.map((v) => v.seqs.at(-1))} vs ${lastBefore}`,
      );
      const back = Math.max(
        ...viewers.map((v) => v.times.find((_, i) => v.seqs[i] > lastBefore + 5)!),
      ) - restartedAt;
      console.log(
        `# ${bus.label} restart: live frames ${back.toFixed(0)} ms after restart (down ${
          (restartedAt - killedAt).toFixed(0)
        } ms)`,
      );
      // A second outage is reported again, once.
      await bus.server.kill();
      await until(() => outages().length === 2, 3000, () => `reports: ${bus.reports}`);
      await delay(300);
      assert.equal(outages().length, 2, `reports: ${bus.reports}`);
      // Besides the outages, only a publish caught in flight by the kill may be reported.
      for (const other of bus.reports.filter((r) => !bus.report.test(String(r)))) {
        assert.match(String(other), /ECONNRESET|EPIPE|closed|socket/i);
      }
      await bus.server.restart();
      const lastDown = Math.max(...viewers.map((v) => v.seqs.at(-1)!));
      await until(
        () => viewers.every((v) => v.seqs.at(-1)! > lastDown + 5),
        5000,
        () => `live after the second restart: ${viewers.map((v) => v.seqs.at(-1))}`,
      );
      for (const [i, v] of viewers.entries()) assertInOrder(v.seqs, `viewer ${i}`);
      hub.close();
      await Promise.all(viewers.map((v) => v.done));
    });
  } finally {
    clearInterval(timer);
  }
}
