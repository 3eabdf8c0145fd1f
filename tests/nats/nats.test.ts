// multipart-push/nats against a real nats-server: no subscription without viewers (monitoring
// /connz), and a server kill and restart (viewers keep the last frame, the publisher drops frames
// meanwhile). Delivery itself: nats_paths.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { busSkipReason, type NatsServer, startNats, untilAsync } from "../_helpers/bus_servers.ts";
import { assertInOrder, frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { delay, until } from "../_helpers/streams.ts";

type NatsModule = typeof import("@nats-io/transport-node");
type Connection = Awaited<ReturnType<NatsModule["connect"]>>;

const skip = busSkipReason !== undefined;
const name = (what: string) => (skip ? `${what} (${busSkipReason})` : what);

describe("multipart-push/nats: bad arguments", () => {
  it("names the argument, the rule and what was given", () => {
    assert.throws(
      () => natsPublisher(null as never, "a"),
      /nc must be a connected nats.js .*got null/,
    );
    assert.throws(
      () => natsFrames({} as never, "a"),
      /nc must be .*\(with subscribe\(\)\), got an object/,
    );
    const nc = { publish() {}, subscribe() {} } as never;
    assert.throws(() => natsPublisher(nc, "a b"), /subject must be .*got the string "a b"/);
    assert.throws(() => natsFrames(nc, "camera.*"), /without spaces or wildcards, got the string/);
    assert.throws(() => natsFrames(nc, 5 as never), /subject must be .*got 5/);
    assert.throws(() => natsFrames(nc, "a", { maxQueue: 0 }), /options.maxQueue must be .*got 0/);
  });
});

describe("multipart-push/nats with nats-server", { skip }, () => {
  let server: NatsServer;
  let nats: NatsModule;
  const connections: Connection[] = [];
  const connect = async () => {
    const nc = await nats.connect({
      servers: server.url,
      reconnectTimeWait: 100,
      maxReconnectAttempts: -1,
      pingInterval: 1000,
    });
    connections.push(nc);
    return nc;
  };

  before(async () => {
    if (skip) return;
    const specifier = "@nats-io/transport-node";
    nats = await import(specifier);
    server = await startNats();
  });
  after(async () => {
    for (const nc of connections) await nc.close().catch(() => {});
    await server?.kill();
  });

  it(name("holds a subscription only while the edge has viewers"), async () => {
    const edge = await connect();
    const subject = "camera.lazy";
    const hub = PushHub.from(natsFrames(edge, subject), { linger: 200 });
    await served((request) => hub.response(request), async (url) => {
      await edge.flush();
      assert.equal(await server.subscriptions(subject), 0, "no viewer yet, no subscription");
      const viewer = watch(url);
      await untilAsync(async () => (await server.subscriptions(subject)) === 1, 5000, "subscribed");
      viewer.close();
      await viewer.done;
      const left = performance.now();
      await untilAsync(
        async () => (await server.subscriptions(subject)) === 0,
        5000,
        "unsubscribed",
      );
      const took = performance.now() - left;
      assert.ok(took >= 150 && took < 3000, `unsubscribed ${took.toFixed(0)} ms after, linger 200`);
      hub.close();
    });
  });

  it(
    name(
      "a killed and restarted nats-server: viewers keep the last frame, then get live frames again within 5 s",
    ),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const subject = "camera.restart";
      const hub = PushHub.from(natsFrames(edge, subject), { keepAlive: 200, linger: 0 });
      const reports: unknown[] = [];
      const publish = natsPublisher(camera, subject, { onError: (e) => reports.push(e) });
      let seq = 0;
      const timer = setInterval(() => publish(frame(seq++, 10_000)), 50);
      try {
        await served((request) => hub.response(request), async (url) => {
          const viewers = Array.from({ length: 3 }, () => watch(url));
          await until(
            () => viewers.every((v) => v.seqs.length >= 3),
            5000,
            "frames before the kill",
          );
          await server.kill();
          const killedAt = performance.now();
          const partsAtKill = viewers.map((v) => v.parts);
          const lastBefore = Math.max(...viewers.map((v) => v.seqs.at(-1)!));
          await delay(1000);
          // keepAlive 200: the last frame went out again while the bus was down.
          viewers.forEach((v, i) =>
            assert.ok(v.parts > partsAtKill[i], `viewer ${i} kept nothing`)
          );
          assert.equal(hub.subscribers, 3, "no viewer was dropped");
          // The publisher dropped the frames of the outage (the client would queue them all) and said so once.
          assert.equal(reports.length, 1, `reports: ${reports}`);
          assert.match(
            String(reports[0]),
            /NATS subject camera\.restart: the connection is down; dropping frames/,
          );
          await server.restart();
          const restartedAt = performance.now();
          await until(
            () => viewers.every((v) => v.seqs.at(-1)! > lastBefore + 5),
            5000,
            () => `live again: last ${viewers.map((v) => v.seqs.at(-1))} vs ${lastBefore}`,
          );
          const back = Math.max(...viewers.map((v) =>
            v.times.find((_, i) => v.seqs[i] > lastBefore + 5)!
          )) -
            restartedAt;
          console.log(
            `# nats restart: live frames ${back.toFixed(0)} ms after restart (down ${
              (restartedAt - killedAt).toFixed(0)
            } ms)`,
          );
          for (const [i, v] of viewers.entries()) assertInOrder(v.seqs, `viewer ${i}`);
          hub.close();
          await Promise.all(viewers.map((v) => v.done));
        });
      } finally {
        clearInterval(timer);
      }
    },
  );
});
