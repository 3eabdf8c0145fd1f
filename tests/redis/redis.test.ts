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
import {
  assertExactDelivery,
  assertLazySubscription,
  assertSurvivesRestart,
} from "../bus/_scenarios.ts";
import { served } from "../_helpers/serve.ts";
import { until } from "../_helpers/streams.ts";

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
      await assertExactDelivery({
        source: (maxQueue) => redisFrames(edge, "camera.exact", { maxQueue }),
        publish: redisPublisher(camera, "camera.exact"),
        subscriptions: () => numsub(camera, "camera.exact"),
        viewers: 5,
        count: 40,
        maxQueue: 64,
      });
    },
  );

  it(name("holds a subscription (PUBSUB NUMSUB) only while the edge has viewers"), async () => {
    const edge = await connect();
    await assertLazySubscription(
      redisFrames(edge, "camera.lazy"),
      () => numsub(edge, "camera.lazy"),
    );
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
        const viewers = Array.from({ length: 3 }, () => watch(url, { keepAlive: true }));
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
      const reports: unknown[] = [];
      await assertSurvivesRestart({
        label: "redis",
        server,
        source: redisFrames(edge, "camera.restart", { onError: () => {} }),
        publish: redisPublisher(camera, "camera.restart", { onError: (e) => reports.push(e) }),
        reports,
        report: /Redis channel camera\.restart: the connection is down; dropping frames/,
      });
    },
  );
});
