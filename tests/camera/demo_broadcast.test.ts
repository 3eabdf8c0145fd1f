// The demo's webcam broadcast (issue 11), in process on every runtime: the publisher token guards
// /ingest and /watch-link, viewers need the signed link, frames posted one per request reach the
// viewers, and the offline picture follows `offlineAfter` without a frame.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDemo } from "../../examples/demo/demo.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { RED, solidJpeg } from "../_helpers/jpeg.ts";
import { until } from "../_helpers/streams.ts";

const TOKEN = "publisher-token-0123456789";
const SECRET = "stream-secret-0123456789abcdef";
const at = (path: string, init?: RequestInit): Request => new Request(`http://demo${path}`, init);
const post = (token: string, body: BodyInit, type = "image/jpeg"): RequestInit => ({
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": type },
  body,
});

describe("demo: webcam broadcast routes", () => {
  it("token, signed links, one picture per POST to the viewers, then the offline picture", async () => {
    const demo = createDemo({
      width: 64,
      height: 48,
      token: TOKEN,
      secret: SECRET,
      offlineAfter: 300,
    });
    try {
      const page = await demo.handler(at("/broadcast"));
      assert.match(await page.text(), /getUserMedia/);
      assert.equal(
        (await demo.handler(at("/watch-link", post("wrong-token-0123456789", "")))).status,
        401,
      );
      const link = (await (await demo.handler(at("/watch-link", post(TOKEN, "")))).json()).url;
      assert.match(link, /^\/\?exp=\d+&sig=/);
      const watch = await (await demo.handler(at(link))).text();
      const src = /<img class="live" id="img" src="([^"]+)"/.exec(watch)![1].replaceAll(
        "&#38;",
        "&",
      );
      assert.match(src, /^\/webcam\?exp=\d+&sig=/);
      assert.equal((await demo.handler(at("/webcam"))).status, 403, "unsigned");
      assert.equal((await demo.handler(at(link.replace("sig=", "sig=x")))).status, 403, "tampered");
      assert.match(
        await (await demo.handler(at("/"))).text(),
        /synthetic camera/,
        "unsigned / is the demo page",
      );

      const viewer = await demo.handler(at(src));
      assert.equal(viewer.status, 200);
      const seen: string[] = [];
      const reading = (async () => {
        for await (const part of parseParts(viewer)) {
          seen.push(`${part.contentType} ${part.body.length}`);
        }
      })();
      await until(() => seen.length === 1, 2000, "the offline picture at once");
      const offline = seen[0];
      const jpeg = solidJpeg(RED) as Uint8Array<ArrayBuffer>;
      assert.equal(
        (await demo.handler(at("/ingest", post("nope-nope-nope-nope", jpeg)))).status,
        401,
      );
      assert.equal((await demo.handler(at("/ingest", post(TOKEN, jpeg)))).status, 204);
      const sent = Date.now();
      await until(() => seen.length === 2, 2000, "the posted frame");
      assert.equal(seen[1], `image/jpeg ${jpeg.length}`);
      await until(() => seen.length === 3, 2000, "the offline picture again");
      const idle = Date.now() - sent;
      assert.equal(seen[2], offline);
      assert.ok(idle >= 250 && idle < 1500, `offline after ${idle} ms (offlineAfter 300)`);
      assert.equal(demo.broadcast.hub.stats().source, "offline");
      demo.close();
      await reading;
    } finally {
      demo.close();
    }
  });
});
