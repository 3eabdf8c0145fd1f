// The replace-mode endings read by real decoders (issue 14 item 1): a push that ends right after
// its last body, and one that ends later (after a complete delimiter line), are N of N frames
// for ffprobe (ffmpeg's mpjpeg demuxer), GStreamer's multipartdemux and parseParts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { ffprobeFrameCount } from "../_helpers/ffprobe.ts";
import { BLUE, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";

const FRAMES = 5;
const why = canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`;

/** FRAMES JPEGs 30 ms apart; with `late`, the source waits once more before it ends. */
async function* frames(late: boolean): AsyncGenerator<Part> {
  for (let i = 0; i < FRAMES; i++) {
    yield { contentType: "image/jpeg", body: solidJpeg(i % 2 ? BLUE : RED) };
    if (i < FRAMES - 1 || late) await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

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

describe(`replace-mode endings in real decoders, on ${runtime}`, () => {
  for (const late of [false, true]) {
    const ending = late ? "a push that ends later" : "a push that ends right after its last body";
    it(`${ending}: ${FRAMES} of ${FRAMES} in parseParts, ffprobe and GStreamer${why}`, {
      skip: !canSpawn,
      timeout: 60_000,
    }, async () => {
      await served((request) => pushResponse(frames(late), { request }), async (url) => {
        const bodies: number[] = [];
        for await (const part of parseParts(await fetch(url))) bodies.push(part.body.byteLength);
        assert.equal(bodies.length, FRAMES, "parseParts");
        assert.equal(await ffprobeFrameCount(url), FRAMES, "ffprobe");
        assert.equal(await gstreamerFrames(url), FRAMES, "GStreamer");
      });
    });
  }
});
