// The hub's cors option in a real browser: a page on another origin draws the hub's frames from an
// <img crossorigin> onto a <canvas> and reads its pixels; without it the browser refuses
// the image.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { corsPolicy } from "../../lib/access/cors.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import {
  chromiumSkipReason,
  crossOriginImgPage,
  launchChromium,
  readImg,
  waitForColor,
} from "../_helpers/chromium.ts";
import { GREEN, solidJpeg } from "../_helpers/jpeg.ts";

describe(`cors in Chromium: a canvas on another origin (${runtime})`, () => {
  let browser: Browser | undefined;
  let camera: Served | undefined;
  let site: Served | undefined;
  let open: PushHub;
  let closed: PushHub;
  const skip = chromiumSkipReason !== undefined;
  before(async () => {
    if (skip) return;
    browser = await launchChromium();
    // The page's origin is http://localhost:<port>; the camera is http://127.0.0.1:<port>.
    site = await serve(crossOriginImgPage);
    const siteOrigin = new URL(site.url).origin.replace("127.0.0.1", "localhost");
    open = new PushHub({ cors: corsPolicy({ allowOrigin: siteOrigin }) });
    closed = new PushHub();
    for (const hub of [open, closed]) {
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(GREEN) });
    }
    camera = await serve((request) =>
      (new URL(request.url).pathname === "/open" ? open : closed).response(request)
    );
  });
  after(async () => {
    open?.close();
    closed?.close();
    await browser?.close();
    await camera?.close();
    await site?.close();
  });

  it(
    "with a cors policy the pixels can be read; without it the image is refused" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      const page = await browser!.newPage();
      const at = (path: string) =>
        `${site!.url.replace("127.0.0.1", "localhost")}?src=${
          encodeURIComponent(`${camera!.url}${path}`)
        }`;
      await page.goto(at("open"), { waitUntil: "commit" });
      const green = await waitForColor(page, GREEN, 5000);
      assert.ok(green.ok, `read the frame's pixels: ${JSON.stringify(green.seen)}`);
      await page.goto(at("closed"), { waitUntil: "commit" });
      await page.waitForFunction(
        `document.getElementById("img").naturalWidth > 0 || document.getElementById("img").complete`,
      );
      // An <img crossorigin> whose response lacks Access-Control-Allow-Origin is refused.
      assert.deepEqual(await readImg(page), { state: "broken" });
      await page.close();
    },
  );
});
