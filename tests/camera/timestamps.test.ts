// X-Timestamp (seconds.micros of the publish, µStreamer's format) and X-Frame per part with the
// hub's `timestamps` option, read back by the decoder as part.timestamp and part.frame; and
// dualFinalFrames: with dropSame, the first repeat of a frame is sent once more (WebKit).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { formatTimestamp } from "../../lib/hub/frame.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { serve } from "../_helpers/serve.ts";
import { until, within } from "../_helpers/streams.ts";
import { text, watch } from "./_viewer.ts";

const bytes = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);

describe("timestamps: X-Timestamp and X-Frame", () => {
  it("every part carries the publish time (µs) and a counter; the decoder exposes them; over the runtime's server", async () => {
    const hub = new PushHub({ timestamps: true, keepAlive: Infinity });
    const server = await serve((request) =>
      new URL(request.url).pathname === "/snapshot" ? hub.snapshot() : hub.response(request)
    );
    try {
      const viewer = watch(await fetch(`${server.url}stream`));
      await until(() => hub.subscribers === 1, 5000, "the viewer");
      // The stamp is read from the clock it comes from, just before and just after publish(): it
      // must fall between them (to its µs rounding), however long a loaded machine takes between
      // the publish and the viewer.
      const now = (): number => performance.timeOrigin + performance.now();
      const times: [number, number][] = [];
      for (let i = 1; i <= 3; i++) {
        const before = now();
        hub.publish(text(`frame ${i}`));
        times.push([before, now()]);
        await until(() => viewer.parts.length === i, 5000, `frame ${i}`);
      }
      for (const [i, { part }] of viewer.parts.entries()) {
        assert.match(part.headers.get("x-timestamp")!, /^\d{10}\.\d{6}$/);
        const ms = part.timestamp! * 1000;
        const [before, after] = times[i];
        assert.ok(
          ms >= before - 0.001 && ms <= after + 0.001,
          `timestamp ${ms} outside its publish(), ${before} to ${after}`,
        );
        assert.equal(part.frame, i + 1);
      }
      const snapshot = await fetch(`${server.url}snapshot`);
      assert.equal(snapshot.headers.get("x-frame"), "3");
      assert.match(snapshot.headers.get("x-timestamp")!, /^\d{10}\.\d{6}$/);
      assert.equal(await snapshot.text(), "frame 3");
      hub.close();
      await within(5000, "the viewer to end", viewer.done);
    } finally {
      hub.close();
      await server.close();
    }
  });

  it("a relayed part's own X-Timestamp and X-Frame give way to the hub's: one of each, on the push and the snapshot", async () => {
    const hub = new PushHub({ timestamps: true, keepAlive: Infinity, dropSame: true });
    // A media reader's request: reader framing, every part with its head (announced parts carry
    // no stamp, see below).
    const viewer = watch(
      hub.response(new Request("http://cam.test/", { headers: { Accept: "*/*" } })),
    );
    const relayed = (body: string) => ({
      ...text(body),
      headers: { "X-Timestamp": "1000000000.000001", "x-frame": "99", "X-Camera": "door" },
    });
    for (const i of [1, 2]) {
      hub.publish(relayed(`frame ${i}`));
      await until(() => viewer.parts.length === i, 5000, `frame ${i}`);
    }
    const snapshot = hub.snapshot();
    hub.close();
    await within(5000, "the viewer to end", viewer.done);
    const parts = viewer.parts.map(({ part }) => part);
    // Two frames, and the ending's repeat of the last.
    assert.deepEqual(parts.map((part) => part.text()), ["frame 1", "frame 2", "frame 2"]);
    for (const [i, part] of parts.entries()) {
      assert.match(part.headers.get("x-timestamp")!, /^\d{10}\.\d{6}$/, `part ${i + 1}`);
      assert.notEqual(part.headers.get("x-timestamp"), "1000000000.000001");
      assert.equal(part.headers.get("x-camera"), "door");
    }
    assert.deepEqual(parts.map((part) => part.headers.get("x-frame")), ["1", "2", "2"]);
    assert.equal(snapshot.headers.get("x-frame"), "2");
    assert.match(snapshot.headers.get("x-timestamp")!, /^\d{10}\.\d{6}$/);
  });

  it("X-Timestamp at fixed instants: seconds, a dot, six digits of microseconds", () => {
    const at = (micros: number): string => formatTimestamp(micros);
    assert.equal(at(1_700_000_000_000_042), "1700000000.000042");
    assert.equal(at(1_700_000_000_100_000), "1700000000.100000");
    assert.equal(at(1_700_000_000_999_999), "1700000000.999999");
    assert.equal(at(1_700_000_001_000_000), "1700000001.000000");
    assert.equal(at(0), "0.000000");
  });

  it("an <img> load (advanceHeaders) still decodes every frame; announced parts carry no stamp", async () => {
    const hub = new PushHub({ timestamps: true, keepAlive: Infinity });
    const viewer = watch(
      hub.response(new Request("http://h/", { headers: { Accept: "image/*" } })),
    );
    for (let i = 1; i <= 3; i++) {
      hub.publish(text(`f${i}`));
      await until(() => viewer.parts.length === i, 2000, `f${i}`);
    }
    hub.close();
    await viewer.done;
    // The part announced last is filled with the last body at the end, as in the encoder.
    assert.deepEqual(viewer.parts.map((p) => p.text), ["f1", "f2", "f3", "f3"]);
    assert.equal(viewer.parts[0].part.frame, 1, "the first part's head is sent in full");
    assert.equal(viewer.parts[1].part.frame, null, "later heads were announced ahead");
  });

  it("off by default: no stamp, part.timestamp and part.frame are null", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const viewer = watch(hub.response());
    hub.publish(text("plain"));
    await until(() => viewer.parts.length === 1, 2000, "the part");
    hub.close();
    await viewer.done;
    assert.equal(viewer.parts[0].part.timestamp, null);
    assert.equal(viewer.parts[0].part.frame, null);
  });

  it("the decoder reads µStreamer's header and refuses what is not a plain number", async () => {
    const cases: [string, number | null, string, number | null][] = [
      ["1764322800.123456", 1764322800.123456, "7", 7],
      [" 12.5 ", 12.5, "0", 0],
      ["1e9", null, "1.5", null],
      ["-1", null, "-3", null],
      ["soon", null, "99999999999999999", null],
      ["", null, "", null],
    ];
    const body =
      cases.map(([timestamp, , frame]) =>
        `--b\r\nContent-Type: text/plain\r\nX-Timestamp: ${timestamp}\r\nX-Frame: ${frame}\r\n\r\nx\r\n`
      ).join("") + "--b--\r\n";
    const parts = [];
    for await (const part of parseParts(new Response(bytes(body)), { boundary: "b" })) {
      parts.push(part);
    }
    assert.deepEqual(
      parts.map((p) => [p.timestamp, p.frame]),
      cases.map(([, timestamp, , frame]) => [timestamp, frame]),
    );
  });

  it("bad options.timestamps", () => {
    assert.throws(
      () => new PushHub({ timestamps: "yes" as never }),
      /^TypeError: options\.timestamps must be a boolean, got the string "yes"$/,
    );
    assert.throws(() => new PushHub({ timestamps: 1 as never }), /got 1$/);
  });
});

describe("dualFinalFrames (WebKit)", () => {
  it("the first repeat of a frame is sent again, the rest of the run dropped", async () => {
    const hub = new PushHub({ dropSame: true, dualFinalFrames: true, keepAlive: Infinity });
    const viewer = watch(hub.response());
    for (const body of ["a", "a", "a", "a", "b", "b", "b", "c"]) {
      hub.publish(text(body));
      await new Promise((resolve) => setTimeout(resolve, 5)); // each one taken before the next
    }
    await until(() => viewer.parts.at(-1)?.text === "c", 2000, "c");
    hub.close();
    await viewer.done;
    // Then "c" again: every replace push ends with its last part repeated (lib/push/framing.ts).
    assert.deepEqual(viewer.parts.map((p) => p.text), ["a", "a", "b", "b", "c", "c"]);
    assert.equal(hub.stats().framesPublished, 3);
  });

  it("without it, dropSame drops every repeat", async () => {
    const hub = new PushHub({ dropSame: true, keepAlive: Infinity });
    const viewer = watch(hub.response());
    for (const body of ["a", "a", "b"]) {
      hub.publish(text(body));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await until(() => viewer.parts.at(-1)?.text === "b", 2000, "b");
    hub.close();
    await viewer.done;
    assert.deepEqual(viewer.parts.map((p) => p.text), ["a", "b", "b"], "b again to end");
  });

  it("bad options.dualFinalFrames", () => {
    assert.throws(
      () => new PushHub({ dualFinalFrames: true }),
      /^RangeError: options\.dualFinalFrames applies only with options\.dropSame: true, got dropSame false$/,
    );
    assert.throws(
      () => new PushHub({ dropSame: true, dualFinalFrames: "true" as never }),
      /^TypeError: options\.dualFinalFrames must be a boolean, got the string "true"$/,
    );
  });
});
