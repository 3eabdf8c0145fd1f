// What Chromium, Firefox ESR and WebKitGTK paint for an <img> push (issue 14), one launch per engine:
// - a PushHub push keeps its last frame (not a broken image) when its source finishes or when
//   hub.close() comes right after the last publish, with advanceHeaders on (an <img> request) and
//   off (a handler that does not pass the request);
// - every frame of a pushResponse push is painted within 100 ms of being sent, sampled by the page
//   drawing the <img> on a canvas every 4 ms (Chromium and WebKit; Firefox hands a canvas only the
//   first frame of a multipart image, so its latency is the screenshot figure in
//   tests/push/browsers.test.ts). Sender and page share the machine's clock.
// The engines are what is tested here, so the browsers run on Node only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { type Engine, ENGINES, engineTests, launchEngine } from "../_helpers/engines.ts";
import { BLUE, RED, type Rgb, solidJpeg } from "../_helpers/jpeg.ts";
import { pngPixel } from "../_helpers/png_pixel.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const { skip, why } = engineTests;
const opts = { skip, timeout: 30_000 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const jpeg = (color: Rgb): Part => ({ contentType: "image/jpeg", body: solidJpeg(color) });
const near = (a: Rgb, b: Rgb): boolean =>
  Math.abs(a.r - b.r) < 40 && Math.abs(a.g - b.g) < 40 && Math.abs(a.b - b.b) < 40;

/** Frames for the latency test: distinct greys, 150 ms apart (far from the 100 ms asserted). */
const SHADES = [30, 90, 150, 210, 60, 120, 180, 240, 45, 105, 165, 225];
const FRAME_GAP_MS = 150;

// The page samples the image's centre on a canvas every 4 ms and logs each change with its time.
const SAMPLE_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/stream">
<script>
window.seen = [];
const img = document.getElementById("img");
const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
setInterval(() => {
  if (!img.complete || img.naturalWidth === 0) return;
  try { ctx.drawImage(img, 0, 0, 1, 1); } catch { return; }
  const g = ctx.getImageData(0, 0, 1, 1).data[1];
  const last = seen.at(-1);
  if (!last || Math.abs(last[0] - g) > 12) seen.push([g, performance.timeOrigin + performance.now()]);
}, 4);
</script></body>`;

const IMG_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/stream"></body>`;

for (const name of ENGINES) {
  describe(`paint in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    let page = IMG_PAGE;
    let respond: (request: Request) => Response = () => new Response("", { status: 404 });

    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await serve((request) => {
        const path = new URL(request.url).pathname;
        if (path === "/") return new Response(page, { headers: { "content-type": "text/html" } });
        if (path === "/stream") return respond(request);
        return new Response("", { status: 404 });
      });
    });
    after(async () => {
      if (skip) return;
      await engine.close();
      await server.close();
    });

    for (const ending of ["the source finishes", "hub.close() follows the last publish"] as const) {
      for (const advance of [true, false]) {
        const framing = advance ? "advanceHeaders on" : "advanceHeaders off";
        it(
          `a PushHub push keeps its last frame when ${ending} (${framing})${why}`,
          opts,
          async () => {
            page = IMG_PAGE;
            let hub: PushHub;
            if (ending === "the source finishes") {
              hub = PushHub.from(async function* () {
                yield jpeg(RED);
                await sleep(300);
                yield jpeg(BLUE); // and ends at once
              }, { keepAlive: Infinity });
            } else {
              hub = new PushHub({ keepAlive: Infinity });
              (async () => {
                while (hub.subscribers === 0) await sleep(5);
                hub.publish(jpeg(RED));
                await sleep(300);
                hub.publish(jpeg(BLUE));
                await sleep(0); // the viewer takes it; its delimiter line is still open
                hub.close();
              })();
            }
            respond = (request) => hub.response(advance ? request : undefined);
            const tab = await engine.open(server.url);
            try {
              let shown: Rgb | undefined;
              const end = Date.now() + 3000;
              while (Date.now() < end && !(shown && near(shown, BLUE))) {
                shown = await tab.screenshot().then((png) => pngPixel(png, 16, 16)).catch(() =>
                  undefined
                );
                await sleep(20);
              }
              assert.ok(shown && near(shown, BLUE), `blue never shown: ${JSON.stringify(shown)}`);
              await sleep(400); // well past the end of the push
              const later = await tab.screenshot().then((png) => pngPixel(png, 16, 16));
              assert.ok(
                near(later, BLUE),
                `after the end the image shows ${JSON.stringify(later)}`,
              );
              const broken = await tab.evaluate<boolean>(
                `document.getElementById("img").complete && document.getElementById("img").naturalWidth === 0`,
              );
              assert.equal(broken, false, "the <img> is a broken image after the end");
            } finally {
              hub.close();
              await tab.close();
            }
          },
        );
      }
    }

    const canvasSkip = skip || name === "firefox";
    const canvasWhy = why ||
      (name === "firefox"
        ? " (skipped on firefox: a canvas gets only the first frame of a multipart image)"
        : "");
    it(
      `every frame is painted within 100 ms of being sent (median; all but one within 250 ms)${canvasWhy}`,
      { ...opts, skip: canvasSkip },
      async () => {
        page = SAMPLE_PAGE;
        const sent: number[] = [];
        respond = (request) =>
          pushResponse(
            (async function* () {
              for (const [i, g] of SHADES.entries()) {
                if (i > 0) await sleep(FRAME_GAP_MS);
                sent.push(Date.now());
                yield jpeg({ r: g, g, b: g });
              }
              await sleep(500);
            })(),
            { request },
          );
        const tab = await engine.open(server.url);
        try {
          while (sent.length < SHADES.length) await sleep(50);
          await sleep(300);
          const seen = await tab.evaluate<[number, number][]>("window.seen");
          // A frame the page never saw was replaced before a sample caught it: later than the
          // gap to the next frame, counted as never painted in time.
          const late = SHADES.map((g, i) => {
            const hit = seen.find(([shade, at]) => Math.abs(shade - g) <= 12 && at >= sent[i] - 5);
            return hit ? Math.round(hit[1] - sent[i]) : Infinity;
          });
          const sorted = [...late].sort((a, b) => a - b);
          const median = sorted[Math.floor(sorted.length / 2)];
          const slow = late.filter((ms) => ms > 250).length;
          console.log(
            `# ${name}: canvas paint latency per frame ${
              late.map((ms) => ms === Infinity ? "missed" : ms).join(", ")
            } ms; median ${median}, max ${sorted.at(-1)}`,
          );
          // 100 ms is the bar. On a loaded 2-core CI box (browser, Xvfb, server and other
          // tests sharing it) a timer in the page or the server is late now and then, so the
          // median carries the bar, and one frame in 12 may be late or missed (seen under an
          // extra busy loop: WebKit missed one, Chromium's worst was 219 ms).
          assert.ok(median <= 100, `median paint latency ${median} ms: ${late}`);
          assert.ok(
            slow <= 1,
            `${slow} frames over 250 ms or missed: ${late}; seen ${JSON.stringify(seen)}`,
          );
        } finally {
          await tab.close();
        }
      },
    );
  });
}
