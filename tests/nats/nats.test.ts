// multipart-push/nats against a real nats-server: no subscription without viewers (monitoring
// /connz), and a server kill and restart (viewers keep the last frame, the publisher drops frames
// meanwhile). Delivery itself: nats_paths.test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { natsFrames, natsPublisher } from "../../lib/nats/mod.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/mod.ts";
import { within } from "../_helpers/streams.ts";
import { busSkipReason, untilAsync } from "../_helpers/bus_servers.ts";
import { assertLazySubscription, assertSurvivesRestart } from "../bus/_scenarios.ts";
import { useNats } from "./_nats.ts";

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
  const suite = useNats({
    reconnectTimeWait: 100,
    maxReconnectAttempts: -1,
    pingInterval: 1000,
  });
  const { connect } = suite;

  it(name("holds a subscription only while the edge has viewers"), async () => {
    const edge = await connect();
    await edge.flush();
    await assertLazySubscription(
      natsFrames(edge, "camera.lazy"),
      () => suite.server.subscriptions("camera.lazy"),
    );
  });

  it(
    name(
      "a killed and restarted nats-server: viewers keep the last frame, then get live frames again within 5 s",
    ),
    async () => {
      const [camera, edge] = [await connect(), await connect()];
      const reports: unknown[] = [];
      await assertSurvivesRestart({
        label: "nats",
        server: suite.server,
        source: natsFrames(edge, "camera.restart"),
        publish: natsPublisher(camera, "camera.restart", { onError: (e) => reports.push(e) }),
        reports,
        report: /NATS subject camera\.restart: the connection is down; dropping frames/,
      });
    },
  );

  it(
    name("the edge's connection closing fails the source: viewers see an error, not a stall"),
    async () => {
      const edge = await connect();
      const errors: unknown[] = [];
      const hub = PushHub.from(natsFrames(edge, "camera.closed"), {
        linger: 0,
        onError: (error) => errors.push(error),
      });
      const viewer = parseParts(hub.response());
      const reading = (async () => {
        for await (const _ of viewer);
      })();
      await untilAsync(
        async () => (await suite.server.subscriptions("camera.closed")) === 1,
        5000,
        "subscribed",
      );
      await edge.close();
      await assert.rejects(within(5000, "the viewer's push fails", reading));
      assert.match(String(errors[0]), /NATS subscription to camera\.closed closed/);
      hub.close();
    },
  );
});
