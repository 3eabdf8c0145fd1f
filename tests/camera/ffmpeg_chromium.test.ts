// A real `ffmpeg -f mpjpeg` publisher pushing into ingest(request, hub) on the runtime's server,
// watched by a Chromium <img>: it paints the publisher's frames, then the offline picture as soon as ffmpeg
// has gone, without reloading.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/ingest.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import {
  chromiumSkipReason,
  imgPageResponse,
  launchChromium,
  openImgPage,
  waitForColor,
} from "../_helpers/chromium.ts";
import { ffmpegPublish } from "../_helpers/ffmpeg.ts";
import { BLUE, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { until } from "../_helpers/streams.ts";

describe(`ffmpeg -f mpjpeg into ingest(request, hub), a Chromium <img> watching (${runtime})`, () => {
  let browser: Browser | undefined;
  let server: Served | undefined;
  let hub: PushHub;
  const skip = chromiumSkipReason !== undefined;
  before(async () => {
    hub = new PushHub({ offline: { contentType: "image/jpeg", body: solidJpeg(BLUE) } });
    if (skip) return;
    browser = await launchChromium();
    server = await serve((request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/") return imgPageResponse("/stream");
      if (pathname === "/ingest") return ingest(request, hub, { authorize: "anyone" });
      return pathname === "/stream" ? hub.response(request) : new Response(null, { status: 404 });
    });
  });
  after(async () => {
    hub?.close();
    await browser?.close();
    await server?.close();
  });

  it(
    "the <img> paints ffmpeg's frames, then the offline picture once ffmpeg has gone" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      const page = await openImgPage(browser!, server!.url);
      const offline = await waitForColor(page, BLUE, 2000);
      assert.ok(offline.ok, `offline first: ${JSON.stringify(offline.last)}`);
      await until(() => hub.subscribers === 1, 5000, "the <img> to subscribe");
      const publishing = ffmpegPublish(`${server!.url}ingest`, {
        source: "color=c=red",
        frames: 15,
      });
      const red = await waitForColor(page, RED, 5000);
      assert.ok(red.ok, `ffmpeg's red frames: ${JSON.stringify(red.seen)}`);
      const exit = await publishing;
      assert.equal(exit.code, 0, exit.stderr);
      const gone = Date.now();
      const blue = await waitForColor(page, BLUE, 2000);
      assert.ok(blue.ok, `the offline picture: ${JSON.stringify(blue.seen)}`);
      const sent = hub.stats().viewers[0].framesSent;
      assert.ok(sent >= 10, `the <img> got ${sent} frames`);
      console.log(`offline picture painted ${Date.now() - gone} ms after ffmpeg exited`);
    },
  );
});
