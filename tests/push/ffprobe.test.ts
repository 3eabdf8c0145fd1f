// Real-client tests: ffprobe's mpjpeg demuxer reads an N-frame push from a real server and must
// decode exactly N frames, also when frame bytes contain "\r\n--" (issue 2, "Real-client tests").
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse, type PushResponseOptions } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { ffprobeFrameCount, ffprobeSkipReason } from "../_helpers/ffprobe.ts";
import { BLUE, containsAscii, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const skip = ffprobeSkipReason !== undefined;
const why = ffprobeSkipReason ? ` (${ffprobeSkipReason})` : "";
const opts = { skip, timeout: 30_000 };
const N = 10;

/** N JPEG frames; frames 2, 5 and 8 carry "\r\n--" in a COM segment and stay valid JPEGs. */
function frames(): Uint8Array[] {
  const colors = [RED, GREEN, BLUE];
  return Array.from({ length: N }, (_, i) =>
    solidJpeg(colors[i % 3], {
      width: 64,
      height: 48,
      comment: i % 3 === 2 ? `frame ${i}\r\n--not a boundary\r\n--` : undefined,
    }));
}

/** Yields each frame a few ms apart, so ffprobe reads a live push, not one buffered blob. */
async function* live(list: Uint8Array[]): AsyncGenerator<Part> {
  for (const body of list) {
    yield { contentType: "image/jpeg", body };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("pushResponse read by ffprobe -f mpjpeg", () => {
  let server: Served;
  let options: Omit<PushResponseOptions, "request"> = {};
  const list = frames();
  let source = list;

  before(async () => {
    if (skip) return;
    server = await serve((request) => {
      if (new URL(request.url).pathname !== "/stream") {
        return new Response("not found", { status: 404 });
      }
      // `request` lets the encoder pick framing for ffprobe (not an <img> load: no advance headers).
      return pushResponse(live(source), { ...options, request });
    });
  });

  after(async () => {
    if (skip) return;
    await server.close();
  });

  // Spawns nothing, so it runs on workerd too.
  it(`the test frames are valid JPEGs, 3 of them containing "\\r\\n--"`, () => {
    assert.equal(list.filter((f) => containsAscii(f, "\r\n--")).length, 3);
    for (const f of list) {
      assert.deepEqual([...f.subarray(0, 2), ...f.subarray(-2)], [255, 216, 255, 217]);
    }
  });

  it(
    `an ${N}-frame push gives exactly its ${N} frames and the last one again${why}`,
    opts,
    async () => {
      // Also proves the request-based default gave ffprobe (Lavf, Accept: */*) reader framing, each
      // part with its Content-Length: without it, the control below shows ffprobe losing frames.
      // Every replace ending repeats the last part (lib/push/framing.ts), hence N + 1.
      options = {};
      assert.equal(await ffprobeFrameCount(`${server.url}stream`), N + 1);
    },
  );

  it(
    `an ${N}-frame push with a caller-chosen boundary gives its ${N} frames and the last again${why}`,
    opts,
    async () => {
      options = { boundary: "frame-boundary_0123" };
      assert.equal(await ffprobeFrameCount(`${server.url}stream`), N + 1);
    },
  );

  it(
    `with advanceHeaders on, ${N} frames without "\\r\\n--" give ${N} plus the last one repeated${why}`,
    opts,
    async () => {
      // No Content-Length then. The part announced after the last frame is filled with that
      // frame again before the close (never left empty), so a reader counts one more frame.
      options = { advanceHeaders: true };
      source = list.map((_, i) => solidJpeg([RED, GREEN, BLUE][i % 3]));
      try {
        assert.equal(await ffprobeFrameCount(`${server.url}stream`), N + 1);
      } finally {
        source = list;
      }
    },
  );

  it(
    `control: with advanceHeaders on, frames containing "\\r\\n--" are NOT read whole${why}`,
    opts,
    async () => {
      // Why a media reader's request gets reader framing: without Content-Length (browser
      // framing, also what a push without a request gets), ffmpeg's mpjpeg demuxer splits a part
      // at any "\r\n--". If this starts to fail, ffmpeg changed and the test can go.
      options = { advanceHeaders: true };
      assert.notEqual(await ffprobeFrameCount(`${server.url}stream`), N);
    },
  );
});
