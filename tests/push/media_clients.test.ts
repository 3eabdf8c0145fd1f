// VLC and OpenCV as real clients (issues 14, 19): each reads a finite push of N frames, from
// pushResponse and from a PushHub, as N+1 parts (every replace push ends with its last part again,
// lib/push/framing.ts), the frames sent in order, and VLC never logs "discard non-JPEG part" (the
// empty final part an ending without the repeat sends). The clients are what is tested, so this runs on Node's server
// only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { solidJpeg } from "../_helpers/jpeg.ts";
import { opencvFrames, vlcFrames } from "../_helpers/media_clients.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve } from "../_helpers/serve.ts";

const skip = !canSpawn || runtime !== "node";
const why = !canSpawn
  ? ` (skipped on ${runtime}: no subprocesses)`
  : runtime !== "node"
  ? ` (skipped on ${runtime}: tests the clients, not the runtime; runs on node)`
  : "";
const N = 5;
const GAP_MS = 50;
const REDS = Array.from({ length: N }, (_, i) => 40 + i * 50);

/** N frames of distinct reds, GAP_MS apart, ending right after the last. */
async function* frames(): AsyncGenerator<Part> {
  for (const [i, r] of REDS.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    yield {
      contentType: "image/jpeg",
      body: solidJpeg({ r, g: 0, b: 0 }, { width: 64, height: 48 }),
    };
  }
}

const sources = {
  pushResponse: (request: Request) => pushResponse(frames(), { request }),
  // A new hub per request, so each client sees the source from its first frame.
  PushHub: (request: Request) => PushHub.from(frames, { keepAlive: Infinity }).response(request),
};
const clients = { VLC: vlcFrames, OpenCV: opencvFrames };

describe(`VLC and OpenCV read a finite push as N of N frames, on Node's server${why}`, () => {
  for (const [client, read] of Object.entries(clients)) {
    for (const [source, respond] of Object.entries(sources)) {
      it(
        `${client} reads the ${N} frames and the last again from ${source}${why}`,
        { skip, timeout: 30_000 },
        async () => {
          const server = await serve(respond);
          try {
            const got = await read(`${server.url}stream`);
            assert.equal(
              got.frames,
              N + 1,
              `${client} read ${got.frames} frames: ${got.reds}\n${got.log.slice(-1500)}`,
            );
            // Every frame read is one sent, in order; OpenCV reads them all. VLC, a real-time
            // player, now and then skips showing one (about 1 run in 10, either ending), so its N
            // of N is its demuxer's part count and what it shows must be those frames, in order.
            let at = 0;
            for (const r of got.reds) {
              while (at < N && Math.abs(r - REDS[at]) >= 12) at++;
              // The repeat of the last frame is the same picture: VLC counts it once.
              assert.ok(at < N, `${client} showed red ${r}, not a frame sent, or out of order`);
            }
            if (client === "OpenCV") {
              assert.equal(got.reds.length, N + 1, `reds ${got.reds}`);
              assert.ok(Math.abs(got.reds[N] - REDS[N - 1]) < 12, `the repeat is the last frame`);
            }
            assert.ok(got.reds.length >= N - 1, `${client} showed ${got.reds}`);
            assert.doesNotMatch(got.log, /discard non-JPEG part/);
          } finally {
            await server.close();
          }
        },
      );
    }
  }
});
