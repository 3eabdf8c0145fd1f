// multipart-push/nats delivery through PushHub on the runtime's own HTTP server: byte-exact and in
// order over TCP, over WebSocket (wsconnect, as on Deno Deploy), and from a camera's upload taken
// by ingest() with natsPublisher as its target.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/mod.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import { pushResponse } from "../../lib/push/mod.ts";
import { busSkipReason, type NatsServer, startNats, untilAsync } from "../_helpers/bus_servers.ts";
import { frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { delay, until, within } from "../_helpers/streams.ts";

type NatsModule = typeof import("@nats-io/transport-node");
type Connection = Awaited<ReturnType<NatsModule["connect"]>>;

const skip = busSkipReason !== undefined;
const name = (what: string) => (skip ? `${what} (${busSkipReason})` : what);

describe("multipart-push/nats delivery", { skip }, () => {
  let server: NatsServer;
  let nats: NatsModule;
  const connections: Connection[] = [];
  const connect = async () => {
    const nc = await nats.connect({ servers: server.url });
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
});
