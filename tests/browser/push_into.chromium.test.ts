/// <reference lib="dom" />
// The HTML-push page (examples/html_push.ts) in headless Chromium: lib/browser/push_into.ts,
// bundled for the browser, shows each pushed HTML part; the text on screen changes with each one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clientScriptResponse, handler, pushPage } from "../../examples/html_push.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve } from "../_helpers/serve.ts";

describe("html_push_client in Chromium", () => {
  it(
    `the page's text changes with each pushed part and stays on the last${
      canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`
    }`,
    { skip: !canSpawn },
    async () => {
      const { launchChromium, recordOut } = await import("../_helpers/chromium.ts");
      const server = await serve(handler);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const seen = await recordOut(page);
        await page.goto(new URL("?count=4&ms=300", server.url).href);
        await page.waitForSelector("body[data-done=true]", { timeout: 15_000 });
        const updates = [...new Set(seen.map((t) => /Update (\d) of 4/.exec(t)?.[1]))]
          .filter((n) => n !== undefined);
        assert.deepEqual(updates, ["1", "2", "3", "4"]);
        assert.match(await page.locator("#out").innerText(), /^Update 4 of 4\n+Server time/);
      } finally {
        await browser.close();
        await server.close();
      }
    },
  );

  // With advanceHeaders (what an <img> load gets) the part announced after the last one must be
  // filled with the last body before the close delimiter; an empty one would blank the page.
  it(
    `with advanceHeaders, the last part stays on screen after the push ends (its announced part is filled)${
      canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`
    }`,
    { skip: !canSpawn },
    async () => {
      const { launchChromium, recordOut } = await import("../_helpers/chromium.ts");
      const parts: Part[] = ["one", "two", "three"].map((word) => ({
        contentType: "text/html",
        body: `<p>part ${word}</p>`,
      }));
      async function* slowly(): AsyncGenerator<Part> {
        for (const part of parts) {
          yield part;
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      }
      const server = await serve(async (request) => {
        const path = new URL(request.url).pathname;
        if (path === "/client.js") return await clientScriptResponse();
        if (path === "/push") return pushResponse(slowly(), { advanceHeaders: true });
        return new Response(pushPage("End fill", "/push"), {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const seen = await recordOut(page);
        await page.goto(server.url);
        // Three parts 150 ms apart: done well within 5 s, unless the end broke the page's reader.
        await page.waitForSelector("body[data-done=true]", { timeout: 5_000 });
        assert.equal((await page.locator("#out").innerText()).trim(), "part three");
        const after = seen.slice(seen.findIndex((t) => t.includes("part three")));
        assert.ok(
          after.every((t) => t.includes("part three")),
          `the page changed after the last part: ${JSON.stringify(after)}`,
        );
      } finally {
        await browser.close();
        await server.close();
      }
    },
  );
});
