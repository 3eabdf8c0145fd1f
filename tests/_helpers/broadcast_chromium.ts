/**
 * The demo's webcam broadcast served on loopback, and headless Chromium with a fake camera
 * (Chromium's test pattern for `getUserMedia`, without asking), for the tests that drive the
 * broadcast's pages. Chromium is slow to start on a shared machine, so they run once, on Node.
 */
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { createDemo, type Demo } from "../../examples/demo/demo.ts";
import { launchChromium } from "./chromium.ts";
import { runtime } from "./runtime.ts";
import { serve, type Served } from "./serve.ts";

/** The publisher token the demo is created with. */
export const BROADCAST_TOKEN = "publisher-token-0123456789";

/** Whether this runtime skips the broadcast's Chromium tests, and the suffix for their names. */
export const broadcastTests: { skip: boolean; why: string } = {
  skip: runtime !== "node",
  why: runtime !== "node"
    ? ` (skipped on ${runtime}: Chromium is slow to start; runs once, on Node)`
    : "",
};

/** What the suite's tests use: the demo (offlineAfter 1000 ms), its server, the browser. */
export interface BroadcastRig {
  demo: Demo;
  server: Served;
  browser: Browser;
}

/**
 * Registers the calling suite's `before` (starts the demo, its server and Chromium) and `after`
 * (stops them); the returned function gives them to a test.
 */
export function broadcastInChromium(): () => BroadcastRig {
  const rig: Partial<BroadcastRig> = {};
  before(async () => {
    if (broadcastTests.skip) return;
    rig.demo = createDemo({ width: 160, height: 120, token: BROADCAST_TOKEN, offlineAfter: 1000 });
    rig.server = await serve(rig.demo.handler);
    rig.browser = await launchChromium({ fakeCamera: true });
  });
  after(async () => {
    rig.demo?.close();
    await rig.browser?.close();
    await rig.server?.close();
  });
  return () => rig as BroadcastRig;
}
