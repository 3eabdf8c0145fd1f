// PushHub in Chromium: what an <img> on a hub response paints.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import {
  chromiumSkipReason,
  imgPageResponse,
  launchChromium,
  openImgPage,
  waitForColor,
} from "../_helpers/chromium.ts";
import { BLUE, GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { until } from "../_helpers/streams.ts";

describe(`PushHub in Chromium (${runtime})`, () => {
  let browser: Browser | undefined;
  let server: Served | undefined;
  let hub: PushHub;
  const skip = chromiumSkipReason !== undefined;
  before(async () => {
    // Not at describe time: workerd forbids random values (the boundary) in global scope.
    hub = new PushHub();
    if (skip) return;
    browser = await launchChromium();
    server = await serve((request) => {
      const { pathname } = new URL(request.url);
      return pathname === "/" ? imgPageResponse("/cam") : hub.response(request);
    });
  });
  after(async () => {
    hub?.close();
    await browser?.close();
    await server?.close();
  });

  it(
    "an <img> shows the latest frame within 1 s of its publish; a later <img> shows a picture at once" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      const first = await openImgPage(browser!, server!.url);
      await until(() => hub.subscribers === 1, 5000, "the <img> to subscribe");
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(RED) });
      const red = await waitForColor(first, RED, 1000);
      assert.ok(red.ok, `red after ${red.ms} ms: ${JSON.stringify(red.last)}`);
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(GREEN) });
      const green = await waitForColor(first, GREEN, 1000);
      assert.ok(green.ok, `green after ${green.ms} ms: ${JSON.stringify(green.last)}`);

      const second = await openImgPage(browser!, server!.url);
      const replay = await waitForColor(second, GREEN, 1000);
      assert.ok(replay.ok, `the later <img> after ${replay.ms} ms: ${JSON.stringify(replay.last)}`);
      hub.publish({ contentType: "image/jpeg", body: solidJpeg(BLUE) });
      for (const page of [first, second]) {
        const blue = await waitForColor(page, BLUE, 1000);
        assert.ok(blue.ok, `blue after ${blue.ms} ms: ${JSON.stringify(blue.last)}`);
      }
      await first.close();
      await second.close();
      await until(() => hub.subscribers === 0, 5000, "the closed pages to leave the hub");
    },
  );
});
