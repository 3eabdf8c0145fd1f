// The ending × client table (issue 19), browser side: every ending of a replace push, from
// pushResponse and from PushHub, as Chromium, Firefox ESR and WebKitGTK show it. An <img> keeps
// the last frame (on screen, not a broken image) and a top-level HTML push keeps its last page
// (Firefox and WebKit; Chromium renders no multipart document), with the browser's request passed
// and, for a subset, without any (the design card's `pushResponse(iter)`, `hub.response()`).
// One browser per engine for all cases. The decoder and media readers' side of the table is
// tests/hub/ending.test.ts and tests/push/decoders.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Part } from "../../lib/push/part.ts";
import {
  documentTests,
  type Engine,
  ENGINES,
  engineTests,
  isBrokenImage,
  launchEngine,
  nearColor,
  pollFor,
  untilShown,
} from "../_helpers/engines.ts";
import {
  type EndingName,
  endingResponse,
  ENDINGS,
  hasEnding,
  type Via,
} from "../_helpers/endings.ts";
import { BLUE, RED, type Rgb, solidJpeg } from "../_helpers/jpeg.ts";
import { pngPixel } from "../_helpers/png_pixel.ts";
import { type Served, servePages } from "../_helpers/serve.ts";
import { delay } from "../_helpers/streams.ts";

const { skip, why } = engineTests;
const opts = { skip, timeout: 30_000 };

const FRAMES: Part[] = [RED, BLUE].map((color) => ({
  contentType: "image/jpeg",
  body: solidJpeg(color),
}));
const PAGES: Part[] = ["First Page", "Last Page"].map((text) => ({
  contentType: "text/html",
  body: `<!doctype html><body><h1>${text}</h1></body>`,
}));
const GAP = 100;

/**
 * The colour at the image's centre on screen. A freshly launched WebKit window's first screenshot
 * can be all black before it has composited anything (no frame here is black): taken again then.
 */
async function onScreen(tab: { screenshot(): Promise<Uint8Array> }): Promise<Rgb> {
  let shown = await pngPixel(await tab.screenshot(), 16, 16);
  for (let i = 0; i < 3 && shown.r + shown.g + shown.b === 0; i++) {
    await delay(200);
    shown = await pngPixel(await tab.screenshot(), 16, 16);
  }
  return shown;
}
/**
 * The push is waited for (sent whole on the server's side), then what the page shows is polled for
 * as long as a loaded machine may need to draw it, then read once more, later: an ending that
 * leaves a blank page or a broken image fails the read whether or not the last part was drawn
 * first.
 */
const ENDED_WITHIN = 10_000;
const SHOWN_WITHIN = 3_000;
const STILL_AFTER = 300;

/** The push's end, from `endingResponse`'s `onEnd`: `ended()` is false if it did not come in time. */
function pushEnd(): { onEnd: () => void; ended: () => Promise<boolean> } {
  let onEnd = (): void => {};
  const end = new Promise<boolean>((resolve) => (onEnd = () => resolve(true)));
  return {
    onEnd,
    ended: () => Promise.race([end, delay(ENDED_WITHIN).then(() => false)]),
  };
}
const IMG_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/stream"></body>`;

/** Without a request, a subset: the endings that differ in kind (at once, later, a deadline). */
const WITHOUT: readonly EndingName[] = [
  "source ends at once",
  "source ends 400 ms later",
  "maxDuration",
];

for (const name of ENGINES) {
  describe(`every ending in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    let respond: (request: Request) => Response = () => new Response("", { status: 404 });

    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await servePages({ "/": IMG_PAGE }, (request) => respond(request));
    });
    after(async () => {
      if (skip) return;
      await engine.close();
      await server.close();
    });

    for (const via of ["pushResponse", "PushHub"] as Via[]) {
      for (const ending of ENDINGS) {
        for (const withRequest of [true, false]) {
          if (!withRequest && !WITHOUT.includes(ending)) continue;
          if (!hasEnding(ending, via, withRequest)) continue;
          const how = `${via}, ${ending}${withRequest ? "" : ", no request"}`;

          /**
           * Answers the next `/stream` with this case's push of `parts`. `sent()` waits until it
           * went out whole and gives the index of its last part sent: the last one, unless a
           * deadline came first on a busy machine.
           */
          const push = (parts: readonly Part[]): { sent(): Promise<number> } => {
            const delivered: number[] = [];
            const end = pushEnd();
            respond = (request) =>
              endingResponse(
                ending,
                via,
                parts,
                GAP,
                withRequest ? request : undefined,
                delivered,
                end.onEnd,
              )!;
            return {
              async sent() {
                assert.ok(await end.ended(), `the push was not sent whole in ${ENDED_WITHIN} ms`);
                return delivered.at(-1)!;
              },
            };
          };

          it(`<img> keeps the last frame: ${how}${why}`, opts, async () => {
            const { sent } = push(FRAMES);
            const tab = await engine.open(server.url);
            try {
              const last = [RED, BLUE][await sent()];
              await untilShown(tab, last, SHOWN_WITHIN);
              await delay(STILL_AFTER);
              const shown = await onScreen(tab);
              assert.ok(
                nearColor(shown, last),
                `after the end the image shows ${JSON.stringify(shown)}`,
              );
              assert.equal(await isBrokenImage(tab), false, "a broken image after the end");
            } finally {
              await tab.close();
            }
          });

          const doc = documentTests(name);
          it(`a top-level HTML push keeps its last page: ${how}${doc.why}`, {
            ...opts,
            skip: doc.skip,
          }, async () => {
            const { sent } = push(PAGES);
            const tab = await engine.open(`${server.url}stream`);
            // What a page shows once parsed: the ending's fill replaces the last page with a copy,
            // and a copy still being parsed has no body yet on a loaded machine.
            const shows = `document.readyState !== "complete" ? "(loading)"
              : document.body ? document.body.innerText.trim() : "(no body)"`;
            try {
              const last = JSON.stringify(["First Page", "Last Page"][await sent()]);
              await pollFor(tab, `(${shows}) === ${last}`, SHOWN_WITHIN);
              await delay(STILL_AFTER);
              await pollFor(tab, `(${shows}) !== "(loading)"`, SHOWN_WITHIN);
              assert.equal(JSON.stringify(await tab.evaluate<string>(shows)), last);
            } finally {
              await tab.close();
            }
          });
        }
      }
    }
  });
}
