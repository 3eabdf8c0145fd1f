// What code that feeds a hub from outside (ingest, or your own publisher) uses: goOffline(),
// closed (settled by close()) and reportError() (the hub's onError, contained).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { until } from "../_helpers/streams.ts";
import { reader, text, watch } from "../camera/_viewer.ts";

const OFFLINE = { contentType: "text/plain", body: "offline" };

describe("feeding a hub", () => {
  it("goOffline() shows the offline picture to viewers and snapshots until the next publish", async () => {
    const hub = new PushHub({ offline: OFFLINE, keepAlive: Infinity });
    hub.publish(text("live"));
    const viewer = watch(hub.response(reader()));
    await until(() => viewer.parts.length === 1, 2000, "the live frame");
    assert.equal(hub.stats().source, "running");
    hub.goOffline();
    assert.equal(hub.stats().source, "offline");
    assert.equal(await hub.snapshot().text(), "offline");
    await until(() => viewer.parts.length === 2, 2000, "the offline picture");
    hub.goOffline(); // already offline: nothing more is sent
    hub.publish(text("back"));
    await until(() => viewer.parts.length === 3, 2000, "the next frame");
    hub.close();
    await viewer.done;
    assert.deepEqual(viewer.parts.map((p) => p.text), ["live", "offline", "back", "back"]);
  });

  it("goOffline() without an offline picture: viewers keep the last frame, stats say offline", async () => {
    const hub = new PushHub();
    hub.publish(text("last"));
    hub.goOffline();
    assert.equal(hub.stats().source, "offline");
    assert.equal(await hub.snapshot().text(), "last");
    hub.close();
  });

  it("closed settles when close() runs, once", async () => {
    const hub = new PushHub();
    let settled = 0;
    void hub.closed.then(() => settled++);
    await Promise.resolve();
    assert.equal(settled, 0, "not before close()");
    hub.close();
    hub.close();
    await hub.closed;
    assert.equal(settled, 1);
  });

  it("reportError() tells onError; one that throws is ignored", () => {
    const told: unknown[] = [];
    const hub = new PushHub({
      onError: (error) => {
        told.push(error);
        throw new Error("a throwing onError is ignored");
      },
    });
    const error = new Error("frame 3 refused");
    hub.reportError(error);
    assert.deepEqual(told, [error]);
    new PushHub().reportError(error); // no onError: nothing to tell, and no throw
    hub.close();
  });
});
