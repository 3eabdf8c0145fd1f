/// <reference lib="dom" />
// The seed examples' pages in headless Chromium: what a person would see. HTML pushes go through
// lib/browser/push_into.ts (Chromium no longer renders multipart documents); the image file is a
// plain <img> on the push.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { handler as threePages } from "../../examples/three_pages.ts";
import { handler as pleaseWait } from "../../examples/please_wait_push.ts";
import { handler as processes } from "../../examples/processes.ts";
import { imageFileApp } from "../../examples/image_file.ts";
import { GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { type Handler, serve } from "../_helpers/serve.ts";

const skip = !canSpawn;
const why = skip ? ` (skipped on ${runtime}: no subprocesses)` : "";

describe("seed example pages in Chromium", () => {
  let browser: Browser;
  before(async () => {
    if (skip) return;
    const { launchChromium } = await import("../_helpers/chromium.ts");
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(
    handler: Handler,
    path: string,
    use: (page: Page, seen: string[]) => Promise<void>,
  ) {
    const { recordOut } = await import("../_helpers/chromium.ts");
    const server = await serve(handler);
    const page = await browser.newPage();
    try {
      const seen = await recordOut(page);
      await page.goto(new URL(path, server.url).href);
      await use(page, seen);
    } finally {
      await page.close();
      await server.close();
    }
  }

  it(`three pages: First, Second, then Third Page stays on screen${why}`, { skip }, async () => {
    await open(threePages, "/?ms=300", async (page, seen) => {
      await page.waitForSelector("body[data-done=true]", { timeout: 10_000 });
      assert.equal(await page.locator("#out").innerText(), "Third Page");
      const order = [...new Set(seen.filter((t) => /Page$/.test(t)))];
      assert.deepEqual(order, ["First Page", "Second Page", "Third Page"]);
    });
  });

  it(`please wait: Submit shows the wait message, then the result replaces it${why}`, {
    skip,
  }, async () => {
    await open(pleaseWait, "/?ms=800", async (page, seen) => {
      await page.fill("input[name=q]", "owls");
      await page.click("button");
      assert.equal(await page.locator("button").isDisabled(), true, "no second submit");
      await page.waitForSelector("body[data-done=true]", { timeout: 10_000 });
      assert.ok(seen.some((t) => /Please wait: searching for “owls”/.test(t)), seen.join(" | "));
      assert.match(await page.locator("#out").innerText(), /^Results for “owls”/);
      assert.equal(await page.locator("button").isDisabled(), false);
    });
  });

  it(`processes: the list appears and is replaced by newer ones${why}`, { skip }, async () => {
    await open(processes, "/?every=0.6&count=3", async (page, seen) => {
      await page.waitForSelector("body[data-done=true]", { timeout: 15_000 });
      const lists = seen.filter((t) => t.startsWith("Processes On This Server"));
      const dates = new Set(lists.map((t) => /Date: (.+)/.exec(t)?.[1]));
      assert.ok(dates.size >= 2, `saw ${dates.size} distinct updates`);
      assert.match(await page.locator("#out").innerText(), /PID/);
    });
  });

  it(`image file: the <img> changes when the file on disk changes${why}`, { skip }, async () => {
    const { waitForColor } = await import("../_helpers/chromium.ts");
    const name = "node:fs/promises";
    const fs = await import(name) as typeof import("node:fs/promises");
    const os = "node:os";
    const { tmpdir } = await import(os) as typeof import("node:os");
    const dir = await fs.mkdtemp(`${tmpdir()}/mpush-image-`);
    const path = `${dir}/picture.jpg`;
    await fs.writeFile(path, solidJpeg(RED));
    const app = imageFileApp(path, { pollMs: 50 });
    try {
      await open(app.handler, "/", async (page) => {
        const red = await waitForColor(page, RED, 5000);
        assert.ok(red.ok, `red: ${JSON.stringify(red.last)}`);
        await fs.writeFile(`${path}.tmp`, solidJpeg(GREEN));
        await fs.rename(`${path}.tmp`, path);
        const green = await waitForColor(page, GREEN, 5000);
        assert.ok(green.ok, `green: ${JSON.stringify(green.last)}`);
      });
    } finally {
      app.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
