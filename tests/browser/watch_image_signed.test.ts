// Issue 20, finding 7: watchImage and signed URLs combine. The <img src> is a signed URL
// (signUrl) checked by verifySignedUrl; the push goes quiet after one red frame, watchImage
// reloads it with its cache buster (?reload=<ms>), which the signature leaves out, and the
// reloaded push's green frames are shown, in Chromium, Firefox ESR and WebKitGTK. A reload the
// server refused (403) is counted: there must be none.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { signUrl, verifySignedUrl } from "../../lib/access/signed_url.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { clientScriptResponse } from "../../examples/html_push.ts";
import {
  type Engine,
  ENGINES,
  engineTests,
  launchEngine,
  untilShown,
} from "../_helpers/engines.ts";
import { GREEN, RED, solidJpeg } from "../_helpers/jpeg.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const { skip, why } = engineTests;
const SECRET = "watch-image-signed-secret-0123";
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const page = (src: string): string =>
  `<!doctype html><body style="margin:0"><img id="img" src="${src}">
<script src="/client.js"></script><script>
window.reloads = [];
multipartPush.watchImage(document.getElementById("img"), {
  stallMs: 800, retryMs: 200, maxRetryMs: 400, onReload: (info) => reloads.push(info.reason),
});
</script></body>`;

/** One red frame then silence; after a reload, green frames every 200 ms. */
async function* camera(reloaded: boolean, signal: AbortSignal): AsyncGenerator<Part> {
  do {
    yield { contentType: "image/jpeg", body: solidJpeg(reloaded ? GREEN : RED) };
    await (reloaded
      ? sleep(200)
      : new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })));
  } while (reloaded && !signal.aborted);
}

for (const name of ENGINES) {
  describe(`watchImage on a signed URL in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    let stop: AbortController | undefined;
    const refused: string[] = [];
    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await serve(async (request) => {
        const url = new URL(request.url);
        if (url.pathname === "/client.js") return await clientScriptResponse();
        if (url.pathname === "/") {
          const src = await signUrl("/cam?camera=1", SECRET, { expiresIn: 600 });
          return new Response(page(src), { headers: { "content-type": "text/html" } });
        }
        if (url.pathname !== "/cam") return new Response(null, { status: 404 }); // favicon
        const verdict = await verifySignedUrl(request, SECRET);
        if (verdict !== true) {
          refused.push(`${url.search}: ${await verdict.clone().text()}`);
          return verdict;
        }
        const { signal } = stop ??= new AbortController();
        return pushResponse(camera(url.searchParams.has("reload"), signal), {
          request,
          idleTimeout: 30_000,
        });
      });
    });
    after(async () => {
      if (skip) return;
      stop?.abort();
      await engine.close();
      await server.close();
    });

    it(
      `a signed <img> push that goes quiet is reloaded, accepted and shows the new frames${why}`,
      { skip, timeout: 30_000 },
      async () => {
        const tab = await engine.open(server.url);
        try {
          const green = await untilShown(tab, GREEN, 8000);
          assert.deepEqual(refused, [], "no reload was refused by verifySignedUrl");
          assert.ok(green, "the reloaded push's green frames were not shown");
          // Never an "error" reload (a refused URL); a loaded machine may see a second stall.
          const reloads = await tab.evaluate<string[]>("window.reloads");
          assert.ok(reloads.length >= 1 && reloads.every((r) => r === "stall"), String(reloads));
        } finally {
          await tab.close();
        }
      },
    );
  });
}
