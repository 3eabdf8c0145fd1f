// Issue 20 on ingest: a frame the hub refuses is skipped and told to onError (never a 500 that
// ends the feed); a publisher trickling bytes without completing a frame loses the slot after
// idleTimeout (408) and the next publisher gets in; only X-Timestamp and X-Frame of a part are
// handed on, as relay does.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../lib/ingest/ingest.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { delay, within } from "../_helpers/streams.ts";
import { feed, JPEGS, multipart, OPEN, upload } from "./_uploads.ts";
import { MIXED } from "./_cases.ts";

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe(`ingest hardening, issue 20 (${runtime})`, () => {
  it("a part holding the hub's boundary is told to the hub's onError and skipped; viewers get the others (4/5)", async () => {
    const told: unknown[] = [];
    const hub = new PushHub({ mode: "mixed", onError: (error) => told.push(error) });
    const viewer = hub.response();
    const forged = bytes(`\xff\xd8--${hub.boundary}\r\nContent-Type: text/html\r\n\r\n\xff\xd9`);
    const answer = await ingest(upload(multipart([JPEGS[0], forged, JPEGS[2]]), MIXED), hub, OPEN);
    assert.equal(answer.status, 204, await answer.text());
    assert.equal(answer.headers.get("x-ingest-frames"), "2");
    assert.equal(answer.headers.get("x-ingest-skipped"), "1");
    assert.equal(told.length, 1);
    assert.match(
      (told[0] as Error).message,
      /^ingest: publish\(\) refused frame 2: .*the hub's boundary/,
    );
    hub.close();
    const got: Uint8Array[] = [];
    for await (const part of parseParts(viewer)) got.push(part.body);
    assert.deepEqual(got, [JPEGS[0], JPEGS[2]]);
  });

  it("allowTypes adds types, in any case, to the raster ones: an SVG part and a JPEG part both go through", async () => {
    const hub = new PushHub({ mode: "mixed" });
    const viewer = hub.response();
    const svg = bytes('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const body = concatBytes([
      bytes("--ffmpeg\r\nContent-Type: image/svg+xml\r\n\r\n"),
      svg,
      bytes("\r\n--ffmpeg\r\nContent-Type: image/jpeg\r\n\r\n"),
      JPEGS[0],
      bytes("\r\n--ffmpeg--\r\n"),
    ]);
    const options = { ...OPEN, allowTypes: ["Image/SVG+XML"] };
    const answer = await ingest(upload(body, MIXED), hub, options);
    assert.equal(answer.status, 204, await answer.text());
    assert.equal(answer.headers.get("x-ingest-frames"), "2");
    hub.close();
    const got: [string | null, Uint8Array][] = [];
    for await (const part of parseParts(viewer)) got.push([part.contentType, part.body]);
    assert.deepEqual(got, [["image/svg+xml", svg], ["image/jpeg", JPEGS[0]]]);
  });

  it("a publisher trickling bytes without completing a frame is cut with 408 after idleTimeout, and the next one gets in (10)", async () => {
    const hub = new PushHub();
    const body = feed();
    const answer = ingest(upload(body.stream, MIXED), hub, { ...OPEN, idleTimeout: 300 });
    body.push(multipart([JPEGS[0]], "ffmpeg").subarray(0, -2)); // one whole frame, then a part
    body.push(bytes("Content-Type: image/jpeg\r\n\r\n\xff\xd8"));
    let settled = false;
    void answer.finally(() => (settled = true));
    let sent = 0, cancelled = false;
    // One byte every 30 ms, ten times faster than idleTimeout, for at most 100 bytes (3 s).
    while (!settled && sent < 100) {
      try {
        body.push(new Uint8Array([0x42]));
      } catch {
        cancelled = true; // the hub cancelled the body: the upload was cut
        break;
      }
      sent++;
      await delay(30);
    }
    assert.ok(settled || cancelled, `the upload still held the slot after ${sent} trickled bytes`);
    const cut = await answer;
    assert.equal(cut.status, 408);
    assert.match(await cut.text(), /^408 no complete frame arrived for 300 ms/);
    assert.equal(cut.headers.get("x-ingest-frames"), "1");
    const next = await ingest(upload(JPEGS[1], "image/jpeg"), hub, OPEN);
    assert.equal(next.status, 204, "the slot is free");
    hub.close();
  });

  it("hands on X-Timestamp and X-Frame of a part, nothing else (11)", async () => {
    const frames: Part[] = [];
    const head = "--ffmpeg\r\nContent-Type: image/jpeg\r\nSet-Cookie: s=1\r\n" +
      "Refresh: 0; url=https://evil.example/\r\nContent-Disposition: attachment\r\n" +
      "X-Timestamp: 1764322800.5\r\nX-Frame: 7\r\n\r\n";
    const wire = concatBytes([bytes(head), JPEGS[0], bytes("\r\n--ffmpeg--\r\n")]);
    const answer = await within(
      2000,
      "the upload's answer",
      ingest(upload(wire, MIXED), { publish: (part) => void frames.push(part) }, OPEN),
    );
    assert.equal(answer.status, 204);
    assert.deepEqual([...(frames[0].headers as Headers)], [
      ["x-frame", "7"],
      ["x-timestamp", "1764322800.5"],
    ]);
  });
});
