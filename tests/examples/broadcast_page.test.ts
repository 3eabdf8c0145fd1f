/// <reference lib="dom" />
// The demo's /broadcast page in headless Chromium with a fake camera, at 1000×700: a refused token
// is said in view and opens no camera; live shows the count; Stop releases the camera, stops the
// frames and says so, and nothing overwrites it. BROADCAST_SCREENSHOTS=<folder> saves the three
// states as broadcast-refused.png, broadcast-live.png and broadcast-stopped.png.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  BROADCAST_TOKEN as TOKEN,
  broadcastInChromium,
  broadcastTests,
} from "../_helpers/broadcast_chromium.ts";
import { until } from "../_helpers/streams.ts";

const VIEWPORT = { width: 1000, height: 700 };
const { skip, why } = broadcastTests;

/** The status line's text and class, whether it is inside the viewport, and the preview's state. */
async function seen(page: Page): Promise<
  { text: string; kind: string; inView: boolean; camera: boolean }
> {
  const box = await page.locator("#status").boundingBox();
  const { text, kind, camera } = await page.evaluate(() => {
    const status = document.getElementById("status")!;
    const video = document.getElementById("video") as HTMLVideoElement;
    return { text: status.textContent ?? "", kind: status.className, camera: !!video.srcObject };
  });
  const inView = box !== null && box.y >= 0 && box.y + box.height <= VIEWPORT.height;
  return { text, kind, inView, camera };
}

async function screenshot(page: Page, name: string): Promise<void> {
  const folder = globalThis.process?.env.BROADCAST_SCREENSHOTS;
  if (folder) await page.screenshot({ path: `${folder}/broadcast-${name}.png` });
}

describe("demo: the /broadcast page in Chromium", () => {
  const rig = broadcastInChromium();

  it(`a refused token is said where the eye is, and no camera opens${why}`, { skip }, async () => {
    const { browser, demo, server } = rig();
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}broadcast#token=not-the-token-at-all`);
    await page.waitForFunction(() =>
      /refused/.test(document.getElementById("status")!.textContent!)
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // a camera opened late would show now
    const state = await seen(page);
    assert.equal(state.text, "stopped: the token was refused (401)");
    assert.equal(state.kind, "error");
    assert.ok(state.inView, "the status line is inside 1000×700");
    assert.equal(state.camera, false, "no preview for a refused token");
    assert.equal(demo.broadcast.hub.stats().framesPublished, 0);
    await screenshot(page, "refused");
    await page.close();
  });

  it(`live, then Stop: the camera is released, frames stop, the status says so${why}`, {
    skip,
  }, async () => {
    const { browser, demo, server } = rig();
    const hub = demo.broadcast.hub;
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}broadcast#token=${TOKEN}&fps=10`);
    await until(() => hub.stats().framesPublished >= 5, 10_000, "frames from the page");
    const live = await seen(page);
    assert.match(live.text, /^live: \d+ frames sent at 10 fps$/);
    assert.equal(live.kind, "live");
    assert.ok(live.inView && live.camera, JSON.stringify(live));
    await screenshot(page, "live");

    await page.click("#stop");
    const stopped = await seen(page);
    assert.match(stopped.text, /^stopped: nothing is sent/);
    assert.equal(stopped.camera, false, "the preview is released at once");
    const count = hub.stats().framesPublished;
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.ok(hub.stats().framesPublished <= count + 1, "at most the frame in flight arrives");
    const later = await seen(page);
    assert.deepEqual(later, stopped, "nothing overwrites the stopped status");
    assert.ok(later.inView);
    await screenshot(page, "stopped");

    await page.click("#start");
    await until(() => hub.stats().framesPublished >= count + 5, 10_000, "live again after Start");
    assert.match((await seen(page)).text, /^live: /);
    await page.close();
  });
});
