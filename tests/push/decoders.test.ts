import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { ffprobeFrameCount } from "../_helpers/ffprobe.ts";
import { BLUE, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { type EndingName, endingResponse, type Via } from "../_helpers/endings.ts";
import { opencvFrames } from "../_helpers/media_clients.ts";

const FRAMES = 5;
const why = canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`;
const PARTS: Part[] = Array.from({ length: FRAMES }, (_, i) => ({
  contentType: "image/jpeg",
  body: solidJpeg(i % 2 ? BLUE : RED),
}));

/** Frames GStreamer decodes from `url` (souphttpsrc ! multipartdemux ! jpegdec), and its errors. */
async function gstreamerFrames(url: string): Promise<number> {
  const names = ["node:child_process", "node:fs/promises", "node:os"];
  const { execFile } = await import(names[0]) as typeof import("node:child_process");
  const fs = await import(names[1]) as typeof import("node:fs/promises");
  const os = await import(names[2]) as typeof import("node:os");
  const dir = await fs.mkdtemp(`${os.tmpdir()}/gst-test-`);
  try {
    const pipeline = [
      "-q",
      "souphttpsrc",
      `location=${url}`,
      "!",
      "multipartdemux",
      "!",
      "jpegdec",
    ];
    pipeline.push("!", "jpegenc", "!", "multifilesink", `location=${dir}/f%05d.jpg`);
    await new Promise<void>((resolve, reject) =>
      execFile("gst-launch-1.0", pipeline, { timeout: 20_000 }, (error, _out, err) => {
        if (error || String(err).trim() !== "") {
          reject(new Error(`gst-launch-1.0: ${error} ${err}`));
        } else resolve();
      })
    );
    return (await fs.readdir(dir)).length;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// The ending × reader table's media readers (issue 19): a subset of the endings, from both
// engines, with the reader's own request (reader framing: parts with Content-Length) and without
// one (the design card's `pushResponse(iter)`: browser framing, 512-byte preamble, announced
// blocks). Every ending repeats the last part, so each reads FRAMES + 1, the last twice (VLC, which
// drops the part the close delimiter ends: tests/push/media_clients.test.ts).
const SUBSET: EndingName[] = ["source ends at once", "source ends 400 ms later", "maxDuration"];

describe(`replace-mode endings in real decoders, on ${runtime}`, () => {
  for (const via of ["pushResponse", "PushHub"] as Via[]) {
    for (const ending of SUBSET) {
      for (const withRequest of [true, false]) {
        const name = `${via}, ${ending}, ${withRequest ? "the reader's request" : "no request"}`;
        it(`${name}: ${FRAMES}+1 in parseParts, ffprobe, GStreamer and OpenCV${why}`, {
          skip: !canSpawn,
          timeout: 60_000,
        }, async () => {
          const handler = (request: Request) =>
            endingResponse(ending, via, PARTS, 30, withRequest ? request : undefined)!;
          await served(handler, async (url) => {
            const bodies: number[] = [];
            for await (const part of parseParts(await fetch(url))) {
              bodies.push(part.body.byteLength);
            }
            assert.equal(bodies.length, FRAMES + 1, "parseParts");
            assert.equal(await ffprobeFrameCount(url), FRAMES + 1, "ffprobe");
            assert.equal(await gstreamerFrames(url), FRAMES + 1, "GStreamer");
            const opencv = await opencvFrames(url);
            assert.equal(opencv.frames, FRAMES + 1, `OpenCV: ${opencv.reds}`);
          });
        });
      }
    }
  }
});
