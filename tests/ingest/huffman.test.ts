// ingest's default (issue 24 part 2): a UVC webcam's frames, which lack Huffman tables, reach the
// viewers with JPEG's standard DHT, whether uploaded as raw MJPEG or as ffmpeg's mpjpeg; frames
// that have a DHT are published as they came. jpeg-js, a decoder that needs the tables, checks it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { ingest } from "../../lib/ingest/ingest.ts";
import type { Part } from "../../lib/push/part.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import { withoutDht } from "../_helpers/jpeg_segments.ts";
import { JPEGS, multipart, upload } from "./_uploads.ts";

const pixels = (frame: Uint8Array): Uint8Array => jpeg.decode(frame, { useTArray: true }).data;

describe("ingest puts the standard Huffman tables into frames without them", () => {
  const uvc = JPEGS.map(withoutDht);
  for (
    const [name, body, type] of [
      ["raw MJPEG", concatBytes(uvc), "image/jpeg"],
      ["ffmpeg's mpjpeg", multipart(uvc, "ffmpeg"), "multipart/x-mixed-replace;boundary=ffmpeg"],
    ] as const
  ) {
    it(`${name}: every frame decodes to the camera's pixels`, async () => {
      const published: Part[] = [];
      const answer = await ingest(upload(body, type), {
        publish: (part) => published.push(part),
      }, { authorize: "anyone" });
      assert.equal(answer.status, 204);
      assert.equal(published.length, JPEGS.length);
      published.forEach((part, i) => {
        assert.throws(() => pixels(uvc[i]), "the stripped frame alone must not decode");
        assert.deepEqual(pixels(part.body as Uint8Array), pixels(JPEGS[i]));
      });
    });
  }

  it("a part typed `Image/JPEG; name=cam` is a JPEG too (the media type, as allowTypes reads it)", async () => {
    const head = new TextEncoder().encode("--B\r\nContent-Type: Image/JPEG; name=cam\r\n\r\n");
    const tail = new TextEncoder().encode("\r\n--B--\r\n");
    const published: Part[] = [];
    const answer = await ingest(
      upload(concatBytes([head, uvc[0], tail]), "multipart/mixed;boundary=B"),
      { publish: (part) => published.push(part) },
      { authorize: "anyone" },
    );
    assert.equal(answer.status, 204);
    assert.equal(published.length, 1);
    assert.deepEqual(pixels(published[0].body as Uint8Array), pixels(JPEGS[0]));
  });

  it("publishes frames that have a DHT byte for byte", async () => {
    const published: Part[] = [];
    await ingest(upload(multipart(JPEGS, "ffmpeg"), "multipart/mixed;boundary=ffmpeg"), {
      publish: (part) => published.push(part),
    }, { authorize: "anyone" });
    assert.deepEqual(published.map((part) => part.body), JPEGS);
  });
});
