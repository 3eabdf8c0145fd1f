// examples/please_wait.ts: client pull until a slow job is done, in process and in Chromium.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../examples/please_wait.ts";
import { chromiumSkipReason, launchChromium } from "../_helpers/chromium.ts";
import { serve } from "../_helpers/serve.ts";
import { delay } from "../_helpers/streams.ts";

describe("examples/please_wait.ts", () => {
  it("reloads the wait page every second until the job is done, then points at the result", async () => {
    const app = createApp({ jobMs: 150 });
    const started = app.fetch(new Request("http://h/jobs", { method: "POST" }));
    assert.equal(started.status, 303);
    const waitUrl = started.headers.get("location")!;
    assert.match(waitUrl, /^http:\/\/h\/jobs\/[0-9a-f-]{36}$/);

    const waiting = app.fetch(new Request(waitUrl));
    assert.equal(waiting.headers.get("refresh"), "1");
    assert.match(await waiting.text(), /<meta http-equiv="refresh" content="1">.*Please wait/s);
    assert.equal(app.fetch(new Request(`${waitUrl}/result`)).status, 303, "no result yet");

    await delay(200);
    const done = app.fetch(new Request(waitUrl));
    assert.equal(done.headers.get("refresh"), `0; url=${waitUrl}/result`);
    assert.ok((await done.text()).includes(`content="0; url=${waitUrl}/result"`));
    const result = app.fetch(new Request(`${waitUrl}/result`));
    assert.equal(result.status, 200);
    assert.match(await result.text(), /<h1 id="result">42<\/h1>/);
    assert.equal(app.fetch(new Request("http://h/jobs/nope")).status, 404);
  });

  it(
    "Chromium follows the refreshes from the form to the result" +
      (chromiumSkipReason ? ` (${chromiumSkipReason})` : ""),
    { skip: chromiumSkipReason !== undefined },
    async () => {
      const server = await serve(createApp({ jobMs: 1500 }).fetch);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(server.url);
        await page.click("#start");
        await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/, { timeout: 5000 });
        assert.match(await page.content(), /Please wait/);
        await page.waitForURL(/\/result$/, { timeout: 8000 });
        assert.equal(await page.textContent("#result"), "42");
      } finally {
        await browser.close();
        await server.close();
      }
    },
  );
});
