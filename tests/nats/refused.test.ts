// Issue 20, finding 4: any client of the bus may publish to a subject, and a hub's boundary is
// public (every viewer reads it in its Content-Type). A well-formed frame whose body holds it is
// refused by the hub: through a real nats-server, it is reported through the hub's onError and
// skipped, and every viewer of the edge keeps its push and gets the next frame.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { busSkipReason, untilAsync } from "../_helpers/bus_servers.ts";
import { frame, watch } from "../_helpers/bus_viewers.ts";
import { served } from "../_helpers/serve.ts";
import { until } from "../_helpers/streams.ts";
import { useNats } from "./_nats.ts";

const skip = busSkipReason !== undefined;
const name = (what: string) => (skip ? `${what} (${busSkipReason})` : what);

describe("multipart-push/nats: a frame the hub refuses", { skip }, () => {
  const suite = useNats();

  it(
    name("is told to the hub's onError and skipped: 3 viewers keep their push and get the next"),
    async () => {
      const [camera, edge] = [await suite.connect(), await suite.connect()];
      const subject = "camera.refused";
      const told: unknown[] = [];
      const hub = PushHub.from(natsFrames(edge, subject), {
        linger: 0,
        keepAlive: Infinity,
        onError: (error) => told.push(error),
      });
      const publish = natsPublisher(camera, subject);
      await served((request) => hub.response(request), async (url) => {
        const viewers = [0, 1, 2].map(() => watch(url));
        try {
          await untilAsync(
            async () => (await suite.server.subscriptions(subject)) === 1,
            5000,
            "subscribed",
          );
          publish(frame(1, 1000));
          await until(() => viewers.every((v) => v.seqs.includes(1)), 5000, "frame 1");
          // Well-formed for the bus (decodeFrame takes it), refused by the hub.
          const forged = `--${hub.boundary}\r\nContent-Type: text/html\r\n\r\n<script>`;
          publish({ contentType: "image/jpeg", body: forged, headers: { "X-Seq": "99" } });
          await until(() => told.length === 1, 5000, "the refused frame told to onError");
          publish(frame(2, 1000));
          await until(
            () => viewers.every((v) => v.seqs.includes(2)),
            5000,
            () => `frame 2 after the refused one: ${viewers.map((v) => v.seqs)}`,
          );
          assert.equal(told.length, 1, String(told));
          assert.ok(told[0] instanceof RangeError);
          assert.match((told[0] as Error).message, /the hub's boundary/);
          assert.equal(hub.subscribers, 3, "no viewer was cut off");
          assert.equal(hub.stats().source, "running");
          viewers.forEach((v) => assert.deepEqual(v.seqs, [1, 2]));
        } finally {
          hub.close();
          viewers.forEach((v) => v.close());
          await Promise.all(viewers.map((v) => v.done));
        }
      });
    },
  );
});
