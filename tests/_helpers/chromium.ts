/**
 * Headless Debian Chromium driven by playwright-core, for tests that check what a real browser
 * paints for an `<img>` fed by a push. playwright-core is loaded lazily so that merely importing this
 * file works where it cannot run (workerd has no subprocesses).
 */
import type { Browser, Page } from "playwright-core";
import type { Rgb } from "./jpeg.ts";
import { canSpawn } from "./runtime.ts";

/** Why Chromium tests cannot run here, or undefined when they can. */
export const chromiumSkipReason: string | undefined = canSpawn
  ? undefined
  : "skipped on workerd: no subprocesses";

/**
 * Launch headless /usr/bin/chromium with the project's flags (`fakeCamera`: a test-pattern webcam).
 *
 * @example
 * const browser = await launchChromium();
 * await browser.close();
 */
export async function launchChromium(options: { fakeCamera?: boolean } = {}): Promise<Browser> {
  // A non-literal specifier keeps bundlers (the workerd harness) from pulling playwright in.
  const name = "playwright-core";
  const { chromium } = await import(name) as typeof import("playwright-core");
  // fakeCamera: getUserMedia gets Chromium's test pattern, without asking.
  const camera = options.fakeCamera
    ? ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    : [];
  return await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      ...camera,
    ],
  });
}

/**
 * The HTML page a test server returns for its page URL: one `<img id="img">` with the given src.
 * Served from the same origin as the push so drawing the image into a canvas is not tainted.
 *
 * @example
 * if (new URL(request.url).pathname === "/") return imgPageResponse("/stream");
 */
export function imgPageResponse(src: string): Response {
  const html = `<!doctype html><html><body style="margin:0">` +
    `<img id="img" src="${src}" style="display:block"></body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * A page on another origin than the camera: one `<img id="img" crossorigin>` loading the URL in
 * the request's `?src=`, so a canvas may read it only if the camera's CORS allows that origin.
 *
 * @example
 * const site = await serve(crossOriginImgPage);
 * await openImgPage(browser, `${site.url}?src=${encodeURIComponent(cameraUrl)}`);
 */
export function crossOriginImgPage(request: Request): Response {
  const src = new URL(request.url).searchParams.get("src") ?? "";
  const html = `<!doctype html><body style="margin:0"><img id="img" crossorigin="anonymous" ` +
    `src="${src.replaceAll('"', "&quot;")}"></body>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** What the `<img>` currently shows. */
export type ImgState =
  | { state: "loading" }
  | { state: "broken" }
  | { state: "painted"; color: Rgb; width: number; height: number };

/**
 * Open `pageUrl` (a page made by {@link imgPageResponse}) in a fresh page. Does not wait for the
 * image: a push never finishes loading.
 */
export async function openImgPage(browser: Browser, pageUrl: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(pageUrl, { waitUntil: "commit" });
  await page.waitForSelector("#img", { state: "attached" });
  return page;
}

// Runs in the page. A string, not a function, because the test runtimes type-check without the
// DOM library. Reads the centre pixel of the image's current frame by drawing it into a canvas.
const READ_IMG = `(() => {
  const img = document.getElementById("img");
  const complete = img.complete;
  if (img.naturalWidth === 0) return { state: complete ? "broken" : "loading" };
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(img, 0, 0);
  const [r, g, b] = ctx.getImageData(img.naturalWidth >> 1, img.naturalHeight >> 1, 1, 1).data;
  return { state: "painted", color: { r, g, b }, width: img.naturalWidth, height: img.naturalHeight };
})()`;

/** What the image shows now: its current frame's centre colour, or that it is loading/broken. */
export async function readImg(page: Page): Promise<ImgState> {
  return await page.evaluate<ImgState>(READ_IMG);
}

/** The `<img>`'s `complete` flag: true once its load has ended (for a push: the stream ended). */
export async function imgComplete(page: Page): Promise<boolean> {
  return await page.evaluate<boolean>(`document.getElementById("img").complete`);
}

/** True when two colours are within JPEG/colour-management noise of each other. */
export function sameColor(a: Rgb, b: Rgb, tolerance = 24): boolean {
  return Math.abs(a.r - b.r) <= tolerance && Math.abs(a.g - b.g) <= tolerance &&
    Math.abs(a.b - b.b) <= tolerance;
}

/**
 * Poll the image until it shows `color` or `timeoutMs` passes. Returns the last state seen, every
 * distinct state on the way (to catch a broken image in between) and how long it took, so a
 * failing assertion can say what Chromium showed instead.
 */
export async function waitForColor(
  page: Page,
  color: Rgb,
  timeoutMs: number,
): Promise<{ ok: boolean; last: ImgState; seen: ImgState[]; ms: number }> {
  const start = Date.now();
  const seen: ImgState[] = [];
  let last: ImgState = { state: "loading" };
  for (let i = 0; i < 10_000; i++) {
    last = await readImg(page);
    if (JSON.stringify(last) !== JSON.stringify(seen.at(-1))) seen.push(last);
    const ms = Date.now() - start;
    if (last.state === "painted" && sameColor(last.color, color)) {
      return { ok: true, last, seen, ms };
    }
    if (ms >= timeoutMs) return { ok: false, last, seen, ms };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { ok: false, last, seen, ms: Date.now() - start };
}

/** Keep reading for `ms` and return every distinct state seen (to prove something stays put). */
export async function watchImg(page: Page, ms: number): Promise<ImgState[]> {
  const seen: ImgState[] = [];
  const end = Date.now() + ms;
  for (let i = 0; i < 10_000 && Date.now() < end; i++) {
    const now = await readImg(page);
    if (JSON.stringify(now) !== JSON.stringify(seen.at(-1))) seen.push(now);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return seen;
}

/**
 * Records every text `#out` shows, from the first paint on (call before `page.goto`).
 *
 * @example
 * const seen = await recordOut(page);
 * await page.goto(url); // seen: ["Connecting…", "Update 1 of 4", …]
 */
export async function recordOut(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("record", (text: string) => seen.push(text));
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const out = document.getElementById("out");
      if (out) (globalThis as unknown as { record(t: string): void }).record(out.innerText);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return seen;
}
