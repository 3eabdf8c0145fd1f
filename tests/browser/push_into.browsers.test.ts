// pushInto on the HTML-push example page in Chromium, Firefox ESR and WebKitGTK (issue 14 item 3):
// WebKit's fetch() cannot read multipart/x-mixed-replace, so pushInto asks for multipart/mixed
// first and the encoder answers in mixed framing marked push=replace. Each part must replace the
// last in every engine, and a failed push must show an error, not "Connecting…" forever.
// The engines are what is tested here, so the browsers run on Node only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { handler } from "../../examples/html_push.ts";
import { type Engine, ENGINES, launchEngine } from "../_helpers/engines.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const skip = !canSpawn || runtime !== "node";
const why = !canSpawn
  ? ` (skipped on ${runtime}: no subprocesses)`
  : runtime !== "node"
  ? ` (skipped on ${runtime}: tests the browsers, not the runtime; runs on node)`
  : "";
const opts = { skip, timeout: 30_000 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const name of ENGINES) {
  describe(`pushInto in ${name}${why}`, () => {
    let engine: Engine;
    let server: Served;
    before(async () => {
      if (skip) return;
      engine = await launchEngine(name);
      server = await serve((request) => {
        const url = new URL(request.url);
        if (url.pathname === "/ticker" && url.searchParams.has("fail")) {
          return new Response("down", { status: 503 });
        }
        return handler(request);
      });
    });
    after(async () => {
      if (skip) return;
      await engine.close();
      await server.close();
    });

    it(`each pushed part replaces the last, and the last stays${why}`, opts, async () => {
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

    it(`a failed push shows an error instead of "Connecting…"${why}`, opts, async () => {
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
  });
}
