// multipart-push/nats against a real nats-server: byte-exact ordered delivery through PushHub on the
// runtime's own HTTP server, no subscription without viewers, and a server kill and restart.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/mod.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import { pushResponse } from "../../lib/push/mod.ts";
import { busSkipReason, type NatsServer, startNats } from "../_helpers/bus_servers.ts";
import { assertInOrder, frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { delay, until, within } from "../_helpers/streams.ts";

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
      /nc must be .*\(with subscribe\(\)\), got object/,
    );
    const nc = { publish() {}, subscribe() {} } as never;
    assert.throws(() => natsPublisher(nc, "a b"), /subject must be .*got the string "a b"/);
    assert.throws(() => natsFrames(nc, "camera.*"), /without spaces or wildcards, got the string/);
    assert.throws(() => natsFrames(nc, 5 as never), /subject must be .*got number/);
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

  it(
    name("delivers every frame byte-exact and in order to every viewer (mixed mode)"),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const subject = "camera.exact";
      const hub = PushHub.from(natsFrames(edge, subject, { maxQueue: 64 }), {
        mode: "mixed",
        maxQueue: 64,
        linger: 0,
      });
      const publish = natsPublisher(camera, subject);
      await served((request) => hub.response(request), async (url) => {
        const viewers = Array.from({ length: 5 }, () => watch(url));
        await until(() => hub.subscribers === 5, 5000, "5 viewers connected");
        await untilAsync(
          async () => (await server.subscriptions(subject)) === 1,
          5000,
          "subscribed",
        );
        for (let seq = 0; seq < 40; seq++) {
          publish(frame(seq));
          await delay(5);
        }
        const all = Array.from({ length: 40 }, (_, i) => i);
        await until(
          () => viewers.every((v) => v.seqs.length === 40),
          10_000,
          () => `viewers got ${viewers.map((v) => v.seqs.length)} of 40`,
        );
        for (const viewer of viewers) assert.deepEqual(viewer.seqs, all);
        hub.close();
        await Promise.all(viewers.map((v) => v.done));
      });
    },
  );

  it(
    name("over WebSocket (wsconnect, the way on Deno Deploy): every frame byte-exact, in order"),
    async () => {
      const specifier = "@nats-io/nats-core";
      const { wsconnect } = await import(specifier) as typeof import("@nats-io/nats-core");
      const edge = await wsconnect({ servers: server.wsUrl });
      connections.push(edge as unknown as Connection);
      const camera = await connect();
      const subject = "camera.ws";
      const hub = PushHub.from(natsFrames(edge, subject, { maxQueue: 16 }), {
        mode: "mixed",
        maxQueue: 16,
        linger: 0,
      });
      const publish = natsPublisher(camera, subject);
      await served((request) => hub.response(request), async (url) => {
        const viewers = Array.from({ length: 3 }, () => watch(url));
        await until(() => hub.subscribers === 3, 5000, "3 viewers connected");
        await untilAsync(
          async () => (await server.subscriptions(subject)) === 1,
          5000,
          "subscribed",
        );
        for (let seq = 0; seq < 10; seq++) {
          publish(frame(seq));
          await delay(5);
        }
        await until(
          () => viewers.every((v) => v.seqs.length === 10),
          10_000,
          () => `viewers got ${viewers.map((v) => v.seqs.length)} of 10`,
        );
        for (const viewer of viewers) assert.deepEqual(viewer.seqs, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        hub.close();
        await Promise.all(viewers.map((v) => v.done));
      });
    },
  );

  it(
    name("an upload taken by ingest() in one process reaches the viewers of an edge"),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const subject = "camera.upload";
      const hub = PushHub.from(natsFrames(edge, subject), { linger: 0 });
      await served((request) => hub.response(request), async (url) => {
        const response = await fetch(url);
        await untilAsync(
          async () => (await server.subscriptions(subject)) === 1,
          5000,
          "subscribed",
        );
        const frames = [1, 2, 3].map((seq) => frame(seq, 20_000));
        const upload = pushResponse(frames, { mode: "mixed" });
        const answer = await ingest(
          new Request("http://camera/ingest", {
            method: "POST",
            headers: { "Content-Type": upload.headers.get("Content-Type")! },
            body: await upload.arrayBuffer(),
          }),
          { publish: natsPublisher(camera, subject) },
        );
        assert.equal(answer.status, 204);
        // ingest() keeps each part's type and body (not X-Seq): the last upload arrives byte-exact.
        const last = frames[2].body;
        await within(
          5000,
          "the last uploaded frame",
          (async () => {
            for await (const part of parseParts(response)) {
              assert.equal(part.contentType, "image/jpeg");
              if (
                part.body.length === last.length && part.body.every((b, i) => b === last[i])
              ) return;
            }
            throw new Error("the push ended before the last uploaded frame");
          })(),
        );
        hub.close();
      });
    },
  );

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

async function untilAsync(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await delay(20);
  }
}
