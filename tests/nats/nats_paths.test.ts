// multipart-push/nats delivery through PushHub on the runtime's own HTTP server: byte-exact and in
// order over TCP, over WebSocket (wsconnect, as on Deno Deploy), and from a camera's upload taken
// by ingest() with natsPublisher as its target.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/mod.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import { pushResponse } from "../../lib/push/mod.ts";
import { busSkipReason, untilAsync } from "../_helpers/bus_servers.ts";
import { frame } from "../_helpers/bus_viewers.ts";
import { assertExactDelivery } from "../bus/_scenarios.ts";
import { useNats } from "./_nats.ts";
import { served } from "../_helpers/serve.ts";
import { within } from "../_helpers/streams.ts";

const skip = busSkipReason !== undefined;
const name = (what: string) => (skip ? `${what} (${busSkipReason})` : what);

describe("multipart-push/nats delivery", { skip }, () => {
  const suite = useNats();
  const { connect, closeAfter } = suite;

  it(
    name("delivers every frame byte-exact and in order to every viewer (mixed mode)"),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      await assertExactDelivery({
        source: (maxQueue) => natsFrames(edge, "camera.exact", { maxQueue }),
        publish: natsPublisher(camera, "camera.exact"),
        subscriptions: () => suite.server.subscriptions("camera.exact"),
        viewers: 5,
        count: 40,
        maxQueue: 64,
      });
    },
  );

  it(
    name("over WebSocket (wsconnect, the way on Deno Deploy): every frame byte-exact, in order"),
    async () => {
      const specifier = "@nats-io/nats-core";
      const { wsconnect } = await import(specifier) as typeof import("@nats-io/nats-core");
      const edge = await wsconnect({ servers: suite.server.wsUrl });
      closeAfter(edge);
      await assertExactDelivery({
        source: (maxQueue) => natsFrames(edge, "camera.ws", { maxQueue }),
        publish: natsPublisher(await connect(), "camera.ws"),
        subscriptions: () => suite.server.subscriptions("camera.ws"),
        viewers: 3,
        count: 10,
        maxQueue: 16,
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
          async () => (await suite.server.subscriptions(subject)) === 1,
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
          { authorize: "anyone" },
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
