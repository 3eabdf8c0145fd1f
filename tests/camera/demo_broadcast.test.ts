// The demo's webcam broadcast (issue 11), in process on every runtime: the publisher token guards
// /ingest and /watch-link, viewers need the signed link, frames posted one per request reach the
// viewers, and the offline picture follows `offlineAfter` without a frame.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createDemo } from "../../examples/demo/demo.ts";
import { RED, solidJpeg } from "../_helpers/jpeg.ts";
import { installClock } from "../_helpers/clock.ts";
import { delay, until } from "../_helpers/streams.ts";
import { watch } from "./_viewer.ts";

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
      const watchPage = await (await demo.handler(at(link))).text();
      const src = /<img class="live" id="img" src="([^"]+)"/.exec(watchPage)![1].replaceAll(
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

      const response = await demo.handler(at(src));
      assert.equal(response.status, 200);
      const viewer = watch(response);
      const seen = (): string[] =>
        viewer.parts.map(({ part }) => `${part.contentType} ${part.body.length}`);
      await until(() => viewer.parts.length === 1, 2000, "the offline picture at once");
      const offline = seen()[0];
      const jpeg = solidJpeg(RED) as Uint8Array<ArrayBuffer>;
      assert.equal(
        (await demo.handler(at("/ingest", post("nope-nope-nope-nope", jpeg)))).status,
        401,
      );
      // offlineAfter is a deadline of the hub's timer: on the test clock it is met at 300 ms
      // exactly, however loaded the machine (the real clock put a late POST answer or poll in it).
      const clock = installClock();
      try {
        const posted = Date.now();
        assert.equal((await demo.handler(at("/ingest", post(TOKEN, jpeg)))).status, 204);
        await until(() => viewer.parts.length === 2, 2000, "the posted frame");
        assert.equal(seen()[1], `image/jpeg ${jpeg.length}`);
        await clock.advance(299);
        assert.equal(demo.broadcast.hub.stats().source, "running", "299 ms after the frame");
        // An in-process viewer gets a part the hub sends within microtasks: one timer turn shows it.
        await delay(20);
        assert.equal(viewer.parts.length, 2, "nothing but the frame 299 ms after it");
        await clock.advance(1);
        await until(() => viewer.parts.length === 3, 2000, "the offline picture again");
        assert.equal(seen()[2], offline);
        assert.equal(
          viewer.parts[2].at - posted,
          300,
          "offline picture offlineAfter after the frame",
        );
        assert.equal(demo.broadcast.hub.stats().source, "offline");
      } finally {
        demo.close(); // while the hub's timer is still the clock's
        clock.uninstall();
      }
      await viewer.done;
    } finally {
      demo.close();
    }
  });
});
