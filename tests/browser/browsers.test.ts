// The in-page helpers in Chromium, Firefox ESR and WebKitGTK (issue 14 items 3 and 8), one browser
// launch per engine for all of them:
// - pushInto on the HTML-push example page: WebKit's fetch() cannot read
//   multipart/x-mixed-replace, so pushInto asks for multipart/mixed first and the encoder answers
//   in mixed framing marked push=replace; each part must replace the last in every engine, and a
//   failed push must show an error, not "Connecting…" forever.
// - watchImage: an <img> push that goes quiet mid-push, or ends, is reloaded after stallMs and the
//   new push's frames are shown.
// The engines are what is tested here, so the browsers run on Node only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { clientScriptResponse, handler } from "../../examples/html_push.ts";
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
const opts = { skip, timeout: 30_000 };
const STALL_MS = 800;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const WATCH_PAGE = `<!doctype html><body style="margin:0"><img id="img" src="/cam">
<script src="/client.js"></script><script>
window.reloads = [];
multipartPush.watchImage(document.getElementById("img"), {
  stallMs: ${STALL_MS}, retryMs: 200, onReload: (info) => reloads.push(info.reason),
});
</script></body>`;

const HUB_PAGE = `<!doctype html><div id="out">Connecting…</div><script src="/client.js"></script>
<script>
multipartPush.pushInto(document.getElementById("out"), "/hub").then(
  (shown) => (document.body.dataset.done = String(shown)),
  (error) => (document.body.dataset.error = String(error)),
);
</script>`;

/** One red frame, then silence (`"stall"`) or the end (`"close"`). */
async function* first(kind: "stall" | "close", signal: AbortSignal, sent: (t: number) => void) {
  yield { contentType: "image/jpeg", body: solidJpeg(RED) } satisfies Part;
  sent(Date.now());
  if (kind === "close") return;
  await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
}

/** Green frames every 200 ms until the test ends. */
async function* healed(signal: AbortSignal): AsyncGenerator<Part> {
  while (!signal.aborted) {
    yield { contentType: "image/jpeg", body: solidJpeg(GREEN) };
    await sleep(200);
  }
}

for (const name of ENGINES) {
  describe(`pushInto and watchImage in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    let kind: "stall" | "close" = "stall";
    // Made per test: workerd runs the describe body at global scope, where that is not allowed.
    let stop: AbortController | undefined;
    let lastRedAt = 0;
    let reloadedAt = 0;
    let hub: PushHub | undefined;
    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await serve(async (request) => {
        const url = new URL(request.url);
        if (url.pathname === "/ticker" && url.searchParams.has("fail")) {
          return new Response("down", { status: 503 });
        }
        if (url.pathname === "/watch") {
          return new Response(WATCH_PAGE, { headers: { "content-type": "text/html" } });
        }
        if (url.pathname === "/client.js") return await clientScriptResponse();
        if (url.pathname === "/hub-page") {
          return new Response(HUB_PAGE, { headers: { "content-type": "text/html" } });
        }
        if (url.pathname === "/hub" && hub) return hub.response(request);
        if (url.pathname !== "/cam") return handler(request);
        const { signal } = stop ??= new AbortController();
        if (!url.searchParams.has("reload")) {
          return pushResponse(first(kind, signal, (t) => (lastRedAt = t)), { request });
        }
        reloadedAt ||= Date.now();
        return pushResponse(healed(signal), { request, idleTimeout: 30_000 });
      });
    });
    after(async () => {
      if (skip) return;
      await engine.close();
      await server.close();
    });

    it(`pushInto: each pushed part replaces the last, and the last stays${why}`, opts, async () => {
      const tab = await engine.open(new URL("?count=4&ms=250", server.url).href);
      try {
        const texts: string[] = [];
        const end = Date.now() + 10_000;
        let done = false;
        while (!done && Date.now() < end) {
          const state = await tab.evaluate<{ text: string; done: boolean } | null>(
            `document.getElementById("out") && { text: document.getElementById("out").innerText, done: document.body.dataset.done === "true" }`,
          ).catch(() => null);
          if (state && state.text !== texts.at(-1)) texts.push(state.text);
          done = state?.done ?? false;
          await sleep(20);
        }
        assert.ok(done, `the push did not end; texts: ${JSON.stringify(texts)}`);
        const updates = texts.map((t) => /Update (\d) of 4/.exec(t)?.[1]).filter(Boolean);
        assert.deepEqual([...new Set(updates)], ["1", "2", "3", "4"]);
        assert.match(texts.at(-1)!, /^Update 4 of 4\s+Server time/, "replaced, not appended");
        assert.ok(!/Update 3/.test(texts.at(-1)!), "replaced, not appended");
      } finally {
        await tab.close();
      }
    });

    it(`pushInto: a failed push shows an error instead of "Connecting…"${why}`, opts, async () => {
      const tab = await engine.open(new URL("?fail=1", server.url).href);
      try {
        let alert = "";
        const end = Date.now() + 5000;
        while (!alert && Date.now() < end) {
          alert = await tab.evaluate<string>(
            `(document.querySelector("[role=alert]") || { textContent: "" }).textContent`,
          ).catch(() => "");
          await sleep(50);
        }
        assert.match(alert, /The push failed: .*503/);
      } finally {
        await tab.close();
      }
    });

    it(
      `pushInto: a PushHub's replace push is read and replaced part by part${why}`,
      opts,
      async () => {
        hub = new PushHub({ keepAlive: Infinity });
        const tab = await engine.open(new URL("hub-page", server.url).href);
        try {
          const end = Date.now() + 5000;
          while (hub.subscribers === 0 && Date.now() < end) await sleep(20);
          for (const text of ["one", "two", "three"]) {
            hub.publish({ contentType: "text/html", body: `<p>${text}</p>` });
            await sleep(150);
          }
          hub.close();
          let state: { text: string; done?: string; error?: string } | null = null;
          while (!state?.done && !state?.error && Date.now() < end) {
            state = await tab.evaluate<{ text: string; done?: string; error?: string }>(
              `({ text: document.getElementById("out").innerText, ...document.body.dataset })`,
            ).catch(() => null);
            await sleep(20);
          }
          assert.equal(state?.error, undefined, "pushInto failed");
          assert.equal(state?.text.trim(), "three", `shown: ${JSON.stringify(state)}`);
        } finally {
          hub.close();
          await tab.close();
        }
      },
    );

    for (const scenario of ["stall", "close"] as const) {
      const what = scenario === "stall" ? "goes quiet mid-push" : "ends";
      it(
        `watchImage reloads a push that ${what} after stallMs, and shows the new frames${why}`,
        opts,
        async () => {
          kind = scenario;
          stop = new AbortController();
          lastRedAt = reloadedAt = 0;
          const tab = await engine.open(new URL("watch", server.url).href);
          try {
            const green = await untilShown(tab, GREEN, 8000);
            assert.ok(green, "the reloaded push's green frames were not shown");
            const reloads = await tab.evaluate<string[]>("window.reloads");
            assert.deepEqual(reloads, ["stall"]);
            const waited = reloadedAt - lastRedAt;
            console.log(`# ${name}: reloaded ${waited} ms after the last frame (${scenario})`);
            // stallMs, then the retry wait (100 to 200 ms) and the check's tick (at most 200 ms).
            assert.ok(
              waited >= STALL_MS - 100 && waited < STALL_MS + 2000,
              `reloaded after ${waited} ms`,
            );
          } finally {
            stop.abort();
            await tab.close();
          }
        },
      );
    }
  });
}
