// multipart-push/redis against a real redis-server: byte-exact ordered delivery through PushHub on
// the runtime's own HTTP server, PUBSUB NUMSUB only while there are viewers, a server kill and
// restart, and Redis cutting off a subscriber that fell behind.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { redisFrames, redisPublisher } from "../../lib/redis/mod.ts";
import { encodeFrame } from "../../lib/bus/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import {
  busSkipReason,
  type RedisServer,
  startRedis,
  untilAsync,
} from "../_helpers/bus_servers.ts";
import { assertInOrder, frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { delay, until } from "../_helpers/streams.ts";

type RedisModule = typeof import("redis");
type Admin = { sendCommand(args: string[]): Promise<unknown> };

const skip = busSkipReason !== undefined;
const name = (what: string) => (skip ? `${what} (${busSkipReason})` : what);

describe("multipart-push/redis: bad arguments", () => {
  it("names the argument, the rule and what was given", () => {
    assert.throws(
      () => redisPublisher(null as never, "a"),
      /client must be a node-redis .*got null/,
    );
    assert.throws(() => redisFrames({} as never, "a"), /\(with duplicate\(\)\), got an object/);
    const client = { publish: () => Promise.resolve(0), duplicate() {} } as never;
    assert.throws(() => redisPublisher(client, ""), /channel must be .*got the string ""/);
    assert.throws(() => redisFrames(client, 5 as never), /channel must be .*got 5/);
    assert.throws(() => redisFrames(client, "a", { maxQueue: -1 }), /maxQueue .*got -1/);
    assert.throws(() => redisPublisher(client, "a", { onError: 1 as never }), /onError must be a/);
  });
});

describe("multipart-push/redis with redis-server", { skip }, () => {
  let server: RedisServer;
  let redis: RedisModule;
  const clients: { destroy(): void }[] = [];
  const connect = async () => {
    const client = redis.createClient({ url: server.url, socket: { reconnectStrategy: 100 } });
    client.on("error", () => {}); // the tests watch reconnects through the adapter's onError
    clients.push(client);
    await client.connect();
    return client;
  };
  const numsub = async (admin: Admin, channel: string) =>
    Number((await admin.sendCommand(["PUBSUB", "NUMSUB", channel]) as unknown[])[1]);

  before(async () => {
    if (skip) return;
    const specifier = "redis";
    redis = await import(specifier);
    server = await startRedis();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server?.kill();
  });

  it(
    name("delivers every frame byte-exact and in order to every viewer (mixed mode)"),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const channel = "camera.exact";
      const hub = PushHub.from(redisFrames(edge, channel, { maxQueue: 64 }), {
        mode: "mixed",
        maxQueue: 64,
        linger: 0,
      });
      const publish = redisPublisher(camera, channel);
      await served((request) => hub.response(request), async (url) => {
        const viewers = Array.from({ length: 5 }, () => watch(url));
        await until(() => hub.subscribers === 5, 5000, "5 viewers connected");
        await untilAsync(async () => (await numsub(camera, channel)) === 1, 5000, "subscribed");
        for (let seq = 0; seq < 40; seq++) {
          publish(frame(seq));
          await delay(5);
        }
        await until(
          () => viewers.every((v) => v.seqs.length === 40),
          10_000,
          () => `viewers got ${viewers.map((v) => v.seqs.length)} of 40`,
        );
        const all = Array.from({ length: 40 }, (_, i) => i);
        for (const viewer of viewers) assert.deepEqual(viewer.seqs, all);
        hub.close();
        await Promise.all(viewers.map((v) => v.done));
      });
    },
  );

  it(name("holds a subscription (PUBSUB NUMSUB) only while the edge has viewers"), async () => {
    const edge = await connect();
    const channel = "camera.lazy";
    const hub = PushHub.from(redisFrames(edge, channel), { linger: 200 });
    await served((request) => hub.response(request), async (url) => {
      assert.equal(await numsub(edge, channel), 0, "no viewer yet, no subscription");
      const viewer = watch(url);
      await untilAsync(async () => (await numsub(edge, channel)) === 1, 5000, "subscribed");
      viewer.close();
      await viewer.done;
      const left = performance.now();
      await untilAsync(async () => (await numsub(edge, channel)) === 0, 5000, "unsubscribed");
      const took = performance.now() - left;
      assert.ok(took >= 150 && took < 3000, `unsubscribed ${took.toFixed(0)} ms after, linger 200`);
      hub.close();
    });
  });

  it(
    name(
      "Redis cuts off a subscriber that fell behind: the edge reports it, resubscribes, viewers get live frames within 5 s",
    ),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const channel = "camera.slow";
      const errors: unknown[] = [];
      const hub = PushHub.from(redisFrames(edge, channel, { onError: (e) => errors.push(e) }), {
        keepAlive: 200,
        linger: 0,
      });
      await served((request) => hub.response(request), async (url) => {
        const viewers = Array.from({ length: 3 }, () => watch(url));
        await untilAsync(async () => (await numsub(camera, channel)) === 1, 5000, "subscribed");
        // 1.3 MB published in one go against a 256 kB hard limit: more than Redis lets a
        // subscriber fall behind by, however fast it reads.
        await camera.configSet("client-output-buffer-limit", "pubsub 256kb 0 0");
        const burst = camera.multi();
        for (let seq = 0; seq < 20; seq++) {
          burst.publish(channel, Buffer.from(encodeFrame(frame(seq, 64_000))));
        }
        await burst.exec();
        await until(
          () => errors.length > 0,
          5000,
          "the cut-off reported",
        );
        const cutAt = performance.now();
        assert.match(String(errors[0]), /redis subscriber for camera.slow/);
        await camera.configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
        const publish = redisPublisher(camera, channel);
        let seq = 100;
        const timer = setInterval(() => publish(frame(seq++, 10_000)), 50);
        try {
          await until(
            () => viewers.every((v) => (v.seqs.at(-1) ?? 0) >= 105),
            5000,
            () => `live again: ${viewers.map((v) => v.seqs.at(-1))}`,
          );
        } finally {
          clearInterval(timer);
        }
        console.log(
          `# redis cut-off: live frames ${(performance.now() - cutAt).toFixed(0)} ms after the cut`,
        );
        assert.equal(hub.subscribers, 3, "no viewer was dropped");
        for (const [i, v] of viewers.entries()) assertInOrder(v.seqs, `viewer ${i}`);
        hub.close();
        await Promise.all(viewers.map((v) => v.done));
      });
    },
  );

  it(
    name(
      "a killed and restarted redis-server: viewers keep the last frame, then get live frames again within 5 s",
    ),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const channel = "camera.restart";
      const hub = PushHub.from(redisFrames(edge, channel, { onError: () => {} }), {
        keepAlive: 200,
        linger: 0,
      });
      const reports: unknown[] = [];
      const publish = redisPublisher(camera, channel, { onError: (e) => reports.push(e) });
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
          const partsAtKill = viewers.map((v) => v.parts);
          const lastBefore = Math.max(...viewers.map((v) => v.seqs.at(-1)!));
          await delay(1000);
          viewers.forEach((v, i) =>
            assert.ok(v.parts > partsAtKill[i], `viewer ${i} kept nothing`)
          );
          assert.equal(hub.subscribers, 3, "no viewer was dropped");
          // The publisher dropped the frames of the outage (the client would queue them all) and said so once.
          assert.equal(reports.length, 1, `reports: ${reports}`);
          assert.match(
            String(reports[0]),
            /Redis channel camera\.restart: the connection is down; dropping frames/,
          );
          await server.restart();
          const restartedAt = performance.now();
          await until(
            () => viewers.every((v) => v.seqs.at(-1)! > lastBefore + 5),
            5000,
            () => `live again: last ${viewers.map((v) => v.seqs.at(-1))} vs ${lastBefore}`,
          );
          console.log(
            `# redis restart: live frames ${
              (performance.now() - restartedAt).toFixed(0)
            } ms after restart`,
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
