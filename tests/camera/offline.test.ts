// The offline picture (issue 11): when the publisher leaves (a stream upload to ingest ends), the
// hub goes idle, or a PushHub.from source ends or fails, viewers and snapshots get the caller's
// `offline` part instead of a stale frame; the stream stays open and live frames come back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/ingest.ts";
import { installClock } from "../_helpers/clock.ts";
import { delay, until, within } from "../_helpers/streams.ts";
import { GREEN, RED, type Rgb, solidJpeg } from "../_helpers/jpeg.ts";
import { watchUnhandled } from "../_helpers/unhandled.ts";
import { OPEN_TEXT, reader, streamedUpload, text, watch } from "./_viewer.ts";

const OFFLINE = { contentType: "text/plain", body: "offline", headers: { "X-Offline": "1" } };
const texts = (parts: { text: string }[]): string[] => parts.map((p) => p.text);

describe("offline picture", () => {
  it("a publish()-fed hub starts offline; ingest's end shows the offline part at once; a new upload brings frames back", async () => {
    // On the test clock no timer fires unless the test advances it: an offline part that comes
    // while the clock stands still came from the upload's end, not from a deadline.
    const clock = installClock();
    try {
      const hub = new PushHub({ offline: OFFLINE, keepAlive: Infinity });
      assert.equal(hub.stats().source, "offline");
      assert.equal(await hub.snapshot().text(), "offline");
      const viewer = watch(hub.response(reader()));
      await until(() => viewer.parts.length === 1, 2000, "the offline part at once");
      assert.equal(viewer.parts[0].part.headers.get("x-offline"), "1");

      const first = streamedUpload();
      const answer = ingest(first.request, hub, OPEN_TEXT);
      first.send("live 1");
      first.send("live 2");
      await until(() => viewer.parts.length === 3, 2000, () => `${texts(viewer.parts)}`);
      assert.equal(hub.stats().source, "running");
      const ended = Date.now();
      first.end();
      assert.equal((await answer).status, 204);
      assert.equal(hub.stats().source, "offline", "offline as soon as the upload has ended");
      await until(() => viewer.parts.length === 4, 2000, () => `${texts(viewer.parts)}`);
      assert.equal(viewer.parts[3].at, ended, "the offline part with no timer run");
      assert.equal(await hub.snapshot().text(), "offline");

      const second = streamedUpload();
      const again = ingest(second.request, hub, OPEN_TEXT);
      second.send("back");
      await until(() => viewer.parts.length === 5, 2000, () => `${texts(viewer.parts)}`);
      second.end();
      await again;
      hub.close();
      await within(2000, "the viewer to end", viewer.done);
      assert.deepEqual(texts(viewer.parts), [
        "offline",
        "live 1",
        "live 2",
        "offline",
        "back",
        "offline",
        "offline", // the last part again, to end
      ]);
    } finally {
      clock.uninstall();
    }
  });

  it("one picture per request (image/*) is not a leaving publisher; idleTimeout without a frame is, and viewers stay", async () => {
    // idleTimeout is the hub's deadline: on the test clock it is met at 300 ms exactly, however
    // late a loaded machine answers the POST or runs the viewer.
    const clock = installClock();
    try {
      const hub = new PushHub({ offline: OFFLINE, keepAlive: Infinity, idleTimeout: 300 });
      const viewer = watch(hub.response(reader()));
      const picture = (color: Rgb) =>
        ingest(
          new Request("http://cam/ingest", {
            method: "POST",
            headers: { "content-type": "image/jpeg" },
            body: solidJpeg(color) as Uint8Array<ArrayBuffer>,
          }),
          hub,
          OPEN_TEXT,
        );
      assert.equal((await picture(RED)).status, 204);
      assert.equal(hub.stats().source, "running", "one picture ended: not offline");
      await until(() => viewer.parts.length === 2, 2000, () => `${texts(viewer.parts)}`);
      await clock.advance(299);
      assert.equal(hub.stats().source, "running", "299 ms after the picture");
      await delay(20); // an in-process viewer gets a part within microtasks: a turn shows it
      assert.equal(viewer.parts.length, 2, "nothing but the picture 299 ms after it");
      await clock.advance(1);
      await until(() => viewer.parts.length === 3, 2000, () => `${texts(viewer.parts)}`);
      assert.equal(viewer.parts[2].text, "offline");
      assert.equal(viewer.parts[2].at - viewer.parts[1].at, 300, "offline at idleTimeout");
      assert.equal(hub.stats().source, "offline");
      await clock.advance(700); // more than idleTimeout again: the viewer is not ended
      assert.equal(hub.subscribers, 1);
      assert.equal((await picture(GREEN)).status, 204);
      await until(() => viewer.parts.length === 4, 2000, () => `${texts(viewer.parts)}`);
      assert.equal(viewer.parts[3].part.contentType, "image/jpeg");
      hub.close();
      await viewer.done;
    } finally {
      clock.uninstall();
    }
  });

  it("snapshots: stale past idleTimeout with no viewer, they get the offline part", async () => {
    const clock = installClock();
    try {
      const hub = new PushHub({ offline: OFFLINE, idleTimeout: 100 });
      hub.publish(text("live"));
      assert.equal(await hub.snapshot().text(), "live");
      await clock.advance(99);
      assert.equal(await hub.snapshot().text(), "live", "99 ms after the frame");
      await clock.advance(1);
      assert.equal(await hub.snapshot().text(), "offline");
      assert.equal(hub.stats().source, "offline");
      hub.close();
    } finally {
      clock.uninstall();
    }
  });

  it("without an offline part: ingest's end is offline in stats() at once, viewers keep the last frame", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const viewer = watch(hub.response(reader()));
    const upload = streamedUpload();
    const answer = ingest(upload.request, hub, OPEN_TEXT);
    upload.send("last");
    await until(() => viewer.parts.length === 1, 2000, "the frame");
    upload.end();
    await answer;
    assert.equal(hub.stats().source, "offline");
    await delay(100);
    assert.deepEqual(texts(viewer.parts), ["last"]);
    assert.equal(await hub.snapshot().text(), "last");
    hub.close();
    await viewer.done;
  });

  it("PushHub.from: a source that ends or throws shows the offline part, restarts once a second, frames come back", async () => {
    const unhandled = watchUnhandled();
    const clock = installClock();
    let runs = 0;
    const errors: unknown[] = [];
    const hub = PushHub.from(async function* (signal: AbortSignal) {
      runs++;
      yield text(`run ${runs}`);
      if (runs === 1) return; // ends
      if (runs === 2) throw new Error("camera unplugged");
      await new Promise((resolve) => signal.addEventListener("abort", resolve)); // the third stays
    }, {
      offline: OFFLINE,
      keepAlive: Infinity,
      onError: (error) => {
        errors.push(error);
        throw new Error("a throwing onError is ignored");
      },
    });
    try {
      const viewer = watch(hub.response(reader()));
      await until(() => viewer.parts.length === 2, 2000, () => `${texts(viewer.parts)}`);
      assert.deepEqual(texts(viewer.parts), ["run 1", "offline"]);
      for (const run of [2, 3]) {
        // The restart is the hub's timer: on the test clock it comes a second after the end.
        await clock.advance(999);
        await delay(20); // an in-process viewer gets a part within microtasks: a turn shows it
        assert.equal(runs, run - 1, `no run ${run} 999 ms after the last ended`);
        await clock.advance(1);
        await until(() => viewer.parts.length >= 2 * run - 1, 2000, () => `${texts(viewer.parts)}`);
        assert.equal(viewer.parts[2 * run - 2].at - viewer.parts[2 * run - 3].at, 1000);
        if (run === 2) {
          await until(() => viewer.parts.length === 4, 2000, () => `${texts(viewer.parts)}`);
        }
      }
      assert.deepEqual(texts(viewer.parts), ["run 1", "offline", "run 2", "offline", "run 3"]);
      assert.equal(hub.subscribers, 1, "the viewer stayed");
      assert.match(String(errors[0]), /camera unplugged/);
      hub.close();
      await viewer.done;
      assert.deepEqual(unhandled.stop(), []);
    } finally {
      hub.close();
      clock.uninstall();
    }
  });

  describe("bad options.offline", () => {
    const cases: [unknown, RegExp][] = [
      [
        "offline.jpg",
        /options\.offline must be a part \{ contentType, body \}, got the string "offline\.jpg"/,
      ],
      [null, /options\.offline must be a part.*got null/],
      [{ body: "x" }, /options\.offline\.contentType must be a non-empty string, got undefined/],
      [{ contentType: "text/plain", body: 42 }, /options\.offline\.body/],
      [
        { contentType: "text/plain", body: new Blob(["x"]) },
        /options\.offline\.body must be a string, Uint8Array/,
      ],
    ];
    for (const [offline, message] of cases) {
      it(`refuses ${JSON.stringify(offline) ?? String(offline)}`, () => {
        assert.throws(() => new PushHub({ offline: offline as never }), message);
      });
    }
    it("refuses an offline body holding the hub's boundary (RangeError)", () => {
      assert.throws(
        () => new PushHub({ boundary: "b", offline: { contentType: "text/plain", body: "--b" } }),
        (error) =>
          error instanceof RangeError &&
          /options\.offline\.body contains "--b"/.test(error.message),
      );
    });
  });
});
