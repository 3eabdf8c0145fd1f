// Real-client tests: what headless Chromium paints for `<img src="/stream">` fed by pushResponse,
// served by the runtime's own HTTP server (issue 2, "Real-client tests").
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import {
  chromiumSkipReason,
  imgComplete,
  imgPageResponse,
  launchChromium,
  openImgPage,
  sameColor,
  waitForColor,
  watchImg,
} from "../_helpers/chromium.ts";
import { BLUE, GREEN, RED, solidJpeg, solidPng } from "../_helpers/jpeg.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const skip = chromiumSkipReason !== undefined;
const why = chromiumSkipReason ? ` (${chromiumSkipReason})` : "";
const opts = { skip, timeout: 30_000 };

/** Sleeps `ms`, or less when `signal` aborts, so no timer outlives its test. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** A source calls `mark()` just before it yields a part, so a test can time from the send. */
function marker(): { reached: Promise<number>; mark(): void } {
  let mark = (): void => {};
  const reached = new Promise<number>((resolve) => (mark = () => resolve(Date.now())));
  return { reached, mark };
}

function describeState(seen: unknown): string {
  return JSON.stringify(seen);
}

describe("pushResponse in Chromium <img>", () => {
  let browser: Browser;
  let server: Served;
  let page: Page | undefined;
  // Aborted after each test so no source timer outlives it; made per test (not in the describe
  // body, which workerd runs at global scope where that is not allowed).
  let stop: AbortController | undefined;
  let respond: (request: Request) => Response = () => new Response("no stream", { status: 503 });

  before(async () => {
    if (skip) return;
    browser = await launchChromium();
    server = await serve((request) => {
      const path = new URL(request.url).pathname;
      if (path === "/") return imgPageResponse("/stream");
      // Anything else (favicon.ico) must not start a second push.
      if (path !== "/stream") return new Response("not found", { status: 404 });
      return respond(request);
    });
  });

  afterEach(async () => {
    stop?.abort();
    stop = undefined;
    await page?.close();
    page = undefined;
  });

  after(async () => {
    if (skip) return;
    await browser.close();
    await server.close();
  });

  async function open(
    source: (signal: AbortSignal) => AsyncIterable<Part>,
    extra = {},
  ): Promise<Page> {
    const { signal } = stop = new AbortController();
    respond = (request) => pushResponse(source(signal), { request, ...extra });
    page = await openImgPage(browser, server.url);
    return page;
  }

  it(`(a) one JPEG then a 3 s wait: painted within 1 s${why}`, opts, async () => {
    const sent = marker();
    const p = await open(async function* (signal) {
      sent.mark();
      yield { contentType: "image/jpeg", body: solidJpeg(RED) };
      await sleep(3000, signal);
    });
    const sentAt = await sent.reached;
    const seen = await waitForColor(p, RED, 1000 - (Date.now() - sentAt));
    assert.ok(
      seen.ok,
      `red not painted within 1 s of the send; showed ${describeState(seen.last)}`,
    );
  });

  it(`(b) frames A then B, then a pause: B is shown${why}`, opts, async () => {
    const sent = marker();
    const p = await open(async function* (signal) {
      yield { contentType: "image/jpeg", body: solidJpeg(RED) };
      await sleep(300, signal);
      sent.mark();
      yield { contentType: "image/jpeg", body: solidJpeg(BLUE) };
      await sleep(3000, signal);
    });
    const sentAt = await sent.reached;
    const seen = await waitForColor(p, BLUE, 1000 - (Date.now() - sentAt));
    assert.ok(seen.ok, `B (blue) not shown within 1 s; showed ${describeState(seen.last)}`);
    const later = await watchImg(p, 500);
    assert.ok(
      later.every((s) => s.state === "painted" && sameColor(s.color, BLUE)),
      `B did not stay: ${describeState(later)}`,
    );
  });

  it(`(c) after the source returns, the last frame stays${why}`, opts, async () => {
    const ended = marker();
    const p = await open(async function* (signal) {
      try {
        yield { contentType: "image/jpeg", body: solidJpeg(RED) };
        await sleep(200, signal);
        yield { contentType: "image/jpeg", body: solidJpeg(BLUE) };
      } finally {
        ended.mark();
      }
    });
    await ended.reached;
    const seen = await waitForColor(p, BLUE, 1000);
    assert.ok(seen.ok, `last frame (blue) not shown; showed ${describeState(seen.last)}`);
    const later = await watchImg(p, 1000);
    assert.ok(
      later.every((s) => s.state === "painted" && sameColor(s.color, BLUE)),
      `after the end the image changed: ${describeState(later)}`,
    );
    assert.equal(await imgComplete(p), true, "the <img> load did not end with the push");
  });

  it(`(d) a PNG part after JPEG parts is shown${why}`, opts, async () => {
    const sent = marker();
    const p = await open(async function* (signal) {
      yield { contentType: "image/jpeg", body: solidJpeg(RED) };
      await sleep(300, signal);
      sent.mark();
      yield { contentType: "image/png", body: solidPng(GREEN) };
      await sleep(3000, signal);
    });
    const sentAt = await sent.reached;
    const seen = await waitForColor(p, GREEN, 1000 - (Date.now() - sentAt));
    assert.ok(seen.ok, `PNG (green) not shown within 1 s; showed ${describeState(seen.last)}`);
    assert.ok(
      seen.seen.every((state) => state.state !== "broken"),
      `the image went broken on the way: ${describeState(seen.seen)}`,
    );
  });

  it(`(d) a JPEG part with an extra header after plain ones is shown${why}`, opts, async () => {
    const sent = marker();
    const p = await open(async function* (signal) {
      yield { contentType: "image/jpeg", body: solidJpeg(RED) };
      await sleep(300, signal);
      sent.mark();
      yield { contentType: "image/jpeg", body: solidJpeg(BLUE), headers: { "X-Frame": "2" } };
      await sleep(3000, signal);
    });
    const sentAt = await sent.reached;
    const seen = await waitForColor(p, BLUE, 1000 - (Date.now() - sentAt));
    assert.ok(
      seen.ok,
      `blue (X-Frame part) not shown within 1 s; showed ${describeState(seen.last)}`,
    );
    assert.ok(
      seen.seen.every((state) => state.state !== "broken"),
      `the image went broken on the way: ${describeState(seen.seen)}`,
    );
  });

  it(
    `control: with advanceHeaders false, one JPEG then a pause is NOT painted in 1 s${why}`,
    opts,
    async () => {
      const sent = marker();
      const p = await open(async function* (signal) {
        sent.mark();
        yield { contentType: "image/jpeg", body: solidJpeg(RED) };
        await sleep(3000, signal);
      }, { advanceHeaders: false });
      await sent.reached;
      const seen = await waitForColor(p, RED, 1000);
      // Chromium paints a part only once the next part's header block arrives: this is why the
      // encoder sends that block ahead. If this ever fails, Chromium changed and the option may go.
      assert.equal(seen.ok, false, `Chromium painted the lone frame without advance headers`);
    },
  );
});
