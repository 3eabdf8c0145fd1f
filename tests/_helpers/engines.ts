/**
 * The three browser engines behind one small interface, so one test body checks Chromium
 * (playwright-core, /usr/bin/chromium), Firefox ESR (puppeteer-core over WebDriver BiDi,
 * /usr/bin/firefox-esr) and WebKitGTK (WebKitWebDriver + MiniBrowser under Xvfb, see webkit.ts).
 * Client libraries are loaded lazily so that importing this file works on workerd.
 */
import { canSpawn, runtime } from "./runtime.ts";
import type { Rgb } from "./jpeg.ts";

/** The engines the real-client tests drive. */
export type EngineName = "chromium" | "firefox" | "webkit";

/** Every engine, in the order tests run them. */
export const ENGINES: readonly EngineName[] = ["chromium", "firefox", "webkit"];

/**
 * Whether this runtime skips the browser tests, and the suffix for their names that says why:
 * they drive the browsers from Node only, since they test the browsers, not the runtime.
 */
export const engineTests: { skip: boolean; why: string } = {
  skip: !canSpawn || runtime !== "node",
  why: !canSpawn
    ? ` (skipped on ${runtime}: no subprocesses)`
    : runtime !== "node"
    ? ` (skipped on ${runtime}: tests the browsers, not the runtime; runs on node)`
    : "",
};

/**
 * `engineTests` for a test that engine `name` runs unless it is `unless`, which cannot pass it for
 * `reason` (the suffix says so).
 */
export function engineTestsUnless(
  name: EngineName,
  unless: EngineName,
  reason: string,
): { skip: boolean; why: string } {
  if (engineTests.skip || name !== unless) return engineTests;
  return { skip: true, why: ` (skipped on ${name}: ${reason})` };
}

/** `engineTests` for a top-level HTML push: Chromium renders no multipart documents. */
export function documentTests(name: EngineName): { skip: boolean; why: string } {
  return engineTestsUnless(
    name,
    "chromium",
    "it renders no multipart documents; pushInto shows them",
  );
}

/** Whether two colours are within 40 per channel: the same picture, drawn and compressed. */
export function nearColor(a: Rgb, b: Rgb): boolean {
  return Math.abs(a.r - b.r) < 40 && Math.abs(a.g - b.g) < 40 && Math.abs(a.b - b.b) < 40;
}

/** One open page. */
export interface EngineTab {
  /** Runs `expression` (JavaScript as text: the tests type-check without the DOM library). */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the viewport: what is on screen. */
  screenshot(): Promise<Uint8Array>;
  /** Leaves the page (its pushes stop). */
  close(): Promise<void>;
}

/** A running browser. */
export interface Engine {
  name: EngineName;
  /** Opens `url` without waiting for its load to end (a push never ends loading). */
  open(url: string): Promise<EngineTab>;
  close(): Promise<void>;
}

async function chromium(): Promise<Engine> {
  const { launchChromium } = await import("./chromium.ts");
  const browser = await launchChromium();
  return {
    name: "chromium",
    async open(url) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: "commit" });
      return {
        evaluate: (expression) => page.evaluate(expression),
        screenshot: async () => new Uint8Array(await page.screenshot()),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function firefox(): Promise<Engine> {
  // A non-literal specifier keeps bundlers (the workerd harness) from pulling puppeteer in.
  const name = "puppeteer-core";
  const puppeteer = (await import(name)).default as typeof import("puppeteer-core").default;
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: "/usr/bin/firefox-esr",
    headless: true,
    protocol: "webDriverBiDi",
  });
  return {
    name: "firefox",
    async open(url) {
      const page = await browser.newPage();
      // "commit" has no BiDi equivalent and a push page never reaches "load": navigate without
      // waiting for it, then wait for the new document (Firefox cannot capture the about:blank it
      // leaves: "Unable to capture screenshot", a failed hook under load).
      page.goto(url, { timeout: 0 }).catch(() => {});
      const tab: EngineTab = {
        evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
        screenshot: async () => new Uint8Array(await page.screenshot()),
        close: () => page.close(),
      };
      await pollFor(tab, `location.href === ${JSON.stringify(new URL(url).href)}`, 5_000);
      return tab;
    },
    close: () => browser.close(),
  };
}

async function webkit(): Promise<Engine> {
  const { launchWebKit } = await import("./webkit.ts");
  const session = await launchWebKit();
  return {
    name: "webkit",
    async open(url) {
      await session.goto(url);
      return {
        evaluate: (expression) => session.evaluate(expression),
        screenshot: () => session.screenshot(),
        // One window per session: leaving the page is what ends its loads.
        close: () => session.goto("about:blank"),
      };
    },
    close: () => session.close(),
  };
}

/**
 * Start one engine.
 *
 * @example
 * const engine = await launchEngine("webkit");
 * const tab = await engine.open(server.url);
 * await engine.close();
 */
export function launchEngine(name: EngineName): Promise<Engine> {
  return name === "chromium" ? chromium() : name === "firefox" ? firefox() : webkit();
}

/**
 * Evaluate `expression` until it returns something truthy or `timeoutMs` passes; returns the
 * last value and when it came. Errors while the page is still navigating count as "not yet".
 */
export async function pollFor<T>(
  tab: EngineTab,
  expression: string,
  timeoutMs: number,
  intervalMs = 10,
): Promise<{ value: T | undefined; ms: number }> {
  const start = Date.now();
  let value: T | undefined;
  for (let i = 0; i < 100_000; i++) {
    try {
      value = await tab.evaluate<T>(expression);
    } catch {
      value = undefined;
    }
    const ms = Date.now() - start;
    if (value) return { value, ms };
    if (ms >= timeoutMs) return { value, ms };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return { value, ms: Date.now() - start };
}

/**
 * Screenshots `tab` until the pixel at (16, 16) is near `color` ({@linkcode nearColor}), or
 * `timeoutMs` passes; whether it was.
 */
export async function untilShown(tab: EngineTab, color: Rgb, timeoutMs: number): Promise<boolean> {
  const { pngPixel } = await import("./png_pixel.ts");
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const pixel = await tab.screenshot().then((png) => pngPixel(png, 16, 16)).catch(() =>
      undefined
    );
    if (pixel && nearColor(pixel, color)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Whether the page's `<img id="img">` is a broken image: loaded, with no picture (what an ending
 * that leaves an empty or cut part shows).
 */
export function isBrokenImage(tab: EngineTab): Promise<boolean> {
  return tab.evaluate<boolean>(
    `document.getElementById("img").complete && document.getElementById("img").naturalWidth === 0`,
  );
}
