// Issue 20, finding 1: a publisher (or a bus, or a relayed camera) must not run script in the
// viewers' origin. Ingest takes raster images only unless allowTypes widens it; every snapshot
// (hub.snapshot, mjpgStreamerRoutes' ?action=snapshot), push, 503 and ingest answer carries
// nosniff and Content-Security-Policy: sandbox; and Chromium opening an HTML or SVG frame as
// /snapshot runs none of its script. The page's script makes a synchronous request to /ran, so
// by the time the page has loaded the server knows whether any script ran.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { ingest } from "../../lib/ingest/ingest.ts";
import { mjpgStreamerRoutes } from "../../lib/compat/mjpg_streamer.ts";
import { pushResponse } from "../../lib/push/response.ts";
import { runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";
import { chromiumSkipReason, launchChromium } from "../_helpers/chromium.ts";

const RAN = 'var x = new XMLHttpRequest(); x.open("GET", "/ran", false); x.send();';
const HTML = `<!doctype html><title>frame</title><script>${RAN}</script><p>a frame</p>`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">` +
  `<script>${RAN}</script><rect width="10" height="10"/></svg>`;

/** A publisher's multipart upload of one part of `type`. */
async function upload(url: string, type: string, body: string): Promise<Response> {
  const parts = pushResponse([{ contentType: type, body }], { mode: "mixed" });
  return await fetch(url, {
    method: "POST",
    headers: { "content-type": parts.headers.get("content-type")! },
    body: await parts.arrayBuffer(),
  });
}

function assertContained(response: Response, what: string): void {
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", what);
  assert.equal(response.headers.get("content-security-policy"), "sandbox", what);
}

describe(`content from outside the process runs no script in the origin (${runtime})`, () => {
  let hub: PushHub;
  let server: Served;
  let ran = 0;
  before(async () => {
    hub = new PushHub({ keepAlive: Infinity });
    const mjpg = mjpgStreamerRoutes(hub);
    server = await serve((request) => {
      const { pathname } = new URL(request.url);
      if (pathname === "/ran") return (ran++, new Response(null, { status: 204 }));
      if (pathname === "/ingest") return ingest(request, hub, { authorize: "anyone" });
      if (pathname === "/ingest-wide") {
        const allowTypes = ["text/html", "image/svg+xml"];
        return ingest(request, hub, { authorize: "anyone", allowTypes });
      }
      if (pathname === "/snapshot") return hub.snapshot();
      if (pathname === "/control") {
        return new Response(HTML, { headers: { "content-type": "text/html" } });
      }
      return mjpg(request) ?? hub.response(request);
    });
  });
  after(async () => {
    hub?.close();
    await server?.close();
  });

  it("ingest refuses an HTML or SVG part by default (415, nosniff); the 503 snapshot is contained", async () => {
    for (const [type, body] of [["text/html", HTML], ["image/svg+xml", SVG]]) {
      const answer = await upload(`${server.url}ingest`, type, body);
      const text = await answer.text();
      assert.equal(answer.status, 415, text);
      assert.match(
        text,
        new RegExp(`part 1 is of type "${type.replace("+", "\\+")}", not accepted`),
      );
      assertContained(answer, `the ingest answer for ${type}`);
    }
    const none = await fetch(`${server.url}snapshot`);
    assert.equal(none.status, 503);
    assertContained(none, "the 503 before any frame");
    await none.body?.cancel();
  });

  it("a snapshot, ?action=snapshot and the push of a widened HTML frame carry nosniff and CSP sandbox", async () => {
    const answer = await upload(`${server.url}ingest-wide`, "text/html", HTML);
    assert.equal(answer.status, 204, await answer.text());
    assertContained(answer, "the 204 ingest answer");
    for (const path of ["snapshot", "webcam/?action=snapshot"]) {
      const snapshot = await fetch(`${server.url}${path}`);
      assert.equal(snapshot.headers.get("content-type"), "text/html");
      assertContained(snapshot, path);
      assert.equal(await snapshot.text(), HTML);
    }
    const stop = new AbortController();
    const push = await fetch(`${server.url}stream`, { signal: stop.signal });
    assertContained(push, "the push");
    stop.abort();
    await push.body?.cancel().catch(() => {});
  });

  const skip = chromiumSkipReason !== undefined;
  let browser: Browser | undefined;
  after(async () => await browser?.close());
  it(
    "Chromium opening an HTML or SVG frame as /snapshot or ?action=snapshot runs none of its script" +
      (skip ? ` (${chromiumSkipReason})` : ""),
    { skip },
    async () => {
      browser = await launchChromium();
      const page = await browser.newPage();
      // The detector works: the same page served without the headers runs its script.
      await page.goto(`${server.url}control`);
      assert.equal(ran, 1, "the control page's script ran");
      for (const [type, body] of [["text/html", HTML], ["image/svg+xml", SVG]]) {
        const answer = await upload(`${server.url}ingest-wide`, type, body);
        assert.equal(answer.status, 204, await answer.text());
        for (const path of ["snapshot", "webcam/?action=snapshot"]) {
          const response = await page.goto(`${server.url}${path}`);
          assert.equal(response?.headers()["content-type"], type);
          assert.equal(ran, 1, `no script ran from ${type} at /${path}`);
        }
      }
      await page.close();
    },
  );
});
