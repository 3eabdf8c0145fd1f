// The signed-URL pattern in a real browser: a page on one origin embeds a signed, expiring <img>
// from a camera server on another origin, and draws it on a canvas (CORS). Unsigned, tampered,
// expired and not-allowed-origin images do not load.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { corsPolicy } from "../../lib/access/cors.ts";
import { signUrl, verifySignedUrl } from "../../lib/access/signed_url.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import {
  chromiumSkipReason,
  crossOriginImgPage,
  launchChromium,
  openImgPage,
  waitForColor,
  watchImg,
} from "../_helpers/chromium.ts";
import { GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { until } from "../_helpers/streams.ts";

const SECRET = "chromium-test-secret-0123456789";

describe(`signed <img> across origins in Chromium (${runtime})`, () => {
  let browser: Browser | undefined;
  let app: Served | undefined;
  let camera: Served | undefined;
  let hub: PushHub;
  const skip = chromiumSkipReason !== undefined;
  before(async () => {
    hub = new PushHub();
    if (skip) return;
    browser = await launchChromium();
    app = await serve(crossOriginImgPage);
    const cors = corsPolicy({ allowOrigin: app.url.slice(0, -1) });
    camera = await serve(async (request) => {
      const preflight = cors.preflight(request);
      if (preflight) return preflight;
      const verdict = await verifySignedUrl(request, SECRET);
      return cors.apply(request, verdict === true ? hub.response(request) : verdict);
    });
  });
  after(async () => {
    hub?.close();
    await browser?.close();
    await app?.close();
    await camera?.close();
  });

  const open = (src: string) => openImgPage(browser!, `${app!.url}?src=${encodeURIComponent(src)}`);

  it(
    "a signed src from another origin paints and can be read from a canvas; new frames follow" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(RED) });
      const page = await open(await signUrl(`${camera!.url}stream`, SECRET, { expiresIn: 60 }));
      const red = await waitForColor(page, RED, 5000);
      assert.ok(red.ok, JSON.stringify(red.seen));
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(GREEN) });
      const green = await waitForColor(page, GREEN, 2000);
      assert.ok(green.ok, JSON.stringify(green.seen));
      await page.close();
      await until(() => hub.subscribers === 0, 5000, "the page's viewer to leave");
    },
  );

  it(
    "unsigned, tampered, expired and signed-but-other-origin images stay broken" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      const signed = await signUrl(`${camera!.url}stream?cam=1`, SECRET, { expiresIn: 60 });
      const cases: [string, string][] = [
        ["unsigned", `${camera!.url}stream`],
        ["tampered", signed.replace("cam=1", "cam=2")],
        [
          "expired",
          await signUrl(`${camera!.url}stream`, SECRET, { expiresIn: 1, now: Date.now() - 10_000 }),
        ],
      ];
      for (const [name, src] of cases) {
        const page = await open(src);
        const seen = await watchImg(page, 700);
        assert.deepEqual(seen.at(-1), { state: "broken" }, `${name}: ${JSON.stringify(seen)}`);
        await page.close();
      }
      // A page on an origin CORS does not allow: the image is signed, yet a crossorigin load fails.
      const page = await browser!.newPage();
      await page.goto(`${camera!.url.replace("127.0.0.1", "localhost")}nothing`, {
        waitUntil: "commit",
      }).catch(() => {});
      await page.setContent(`<img id="img" crossorigin="anonymous" src="${signed}">`);
      const seen = await watchImg(page, 700);
      assert.deepEqual(seen.at(-1), { state: "broken" }, `other origin: ${JSON.stringify(seen)}`);
      await page.close();
      await until(() => hub.subscribers === 0, 5000, "the refused viewer to leave");
    },
  );
});
