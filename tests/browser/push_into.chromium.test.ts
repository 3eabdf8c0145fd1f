/// <reference lib="dom" />
// The HTML-push page (examples/html_push.ts) in headless Chromium: lib/browser/push_into.ts,
// bundled for the browser, shows each pushed HTML part; the text on screen changes with each one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { handler } from "../../examples/html_push.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";
import { serve } from "../_helpers/serve.ts";

describe("html_push_client in Chromium", () => {
  it(
    `the page's text changes with each pushed part and stays on the last${
      canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`
    }`,
    { skip: !canSpawn },
    async () => {
      const { launchChromium } = await import("../_helpers/chromium.ts");
      const server = await serve(handler);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.exposeFunction("record", (text: string) => seen.push(text));
        const seen: string[] = [];
        await page.addInitScript(() => {
          new MutationObserver(() => {
            const out = document.getElementById("out");
            if (out) (globalThis as unknown as { record(t: string): void }).record(out.innerText);
          }).observe(document, { subtree: true, childList: true, characterData: true });
        });
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
});
