// HEAD requests (issue 10, item 8): hub.response() answers with the push headers and no body and
// never counts a subscriber; pushResponse answers without reading its source. Both in process and
// on the runtime's real server, where a HEAD flood once filled maxSubscribers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { serve } from "../_helpers/serve.ts";
import { within } from "../_helpers/streams.ts";

const head = (url = "http://h/cam"): Request => new Request(url, { method: "HEAD" });

describe("PushHub: HEAD (issue 10, item 8)", () => {
  it("gets the push headers and no body, is never counted, and starts no source", async () => {
    let starts = 0;
    const hub = PushHub.from(() => {
      starts++;
      return [{ contentType: "text/plain", body: "x" }];
    }, { maxSubscribers: 2, linger: 0 });
    for (let i = 0; i < 60; i++) {
      const response = hub.response(head(), { headers: { "X-Cam": "1" } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace;boundary=/);
      assert.equal(response.headers.get("x-cam"), "1");
      assert.equal(response.body, null);
    }
    assert.equal(hub.subscribers, 0);
    assert.equal(starts, 0, "a HEAD does not start the camera");
    const get = hub.response();
    assert.equal(get.status, 200);
    assert.equal(hub.subscribers, 1, "a GET after 60 HEADs is served");
    const second = hub.response();
    const full = hub.response(head());
    assert.equal(full.status, 503, "a HEAD to a full hub gets what a GET would");
    assert.equal(full.headers.get("retry-after"), "1");
    assert.equal(full.body, null);
    hub.close();
    await Promise.all([get.body!.cancel(), second.body!.cancel()]);
    assert.throws(
      () => new PushHub().response(head(), { fps: 0 }),
      /init\.fps/,
      "init still checked",
    );
  });

  it("on the runtime's real server: 60 HEADs then GETs with maxSubscribers 5", async () => {
    const hub = new PushHub({ maxSubscribers: 5, keepAlive: Infinity });
    hub.publish({ contentType: "text/plain", body: "frame" });
    const server = await serve((request) => hub.response(request));
    try {
      for (let i = 0; i < 60; i++) {
        const response = await within(5000, `HEAD ${i}`, fetch(server.url, { method: "HEAD" }));
        assert.equal(response.status, 200);
        assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace/);
        assert.equal(await response.text(), "");
      }
      assert.equal(hub.subscribers, 0);
      const get = await fetch(server.url);
      assert.equal(get.status, 200, "a GET is not refused after the HEAD flood");
      const reader = get.body!.getReader();
      let text = "";
      while (!text.includes("frame")) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
    } finally {
      hub.close();
      await server.close();
    }
  });
});

describe("pushResponse: HEAD (issue 10, item 8)", () => {
  it("answers with the push headers and reads nothing from the source", async () => {
    let pulled = 0;
    async function* camera(): AsyncGenerator<Part> {
      pulled++;
      yield { contentType: "text/plain", body: "grab" };
    }
    const response = pushResponse(camera(), { request: head(), headers: { "X-A": "b" } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type")!, /^multipart\/x-mixed-replace;boundary=/);
    assert.equal(response.headers.get("x-a"), "b");
    assert.equal(response.body, null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pulled, 0, "the source was not read");
    const mixed = pushResponse(camera(), { request: head(), mode: "mixed", status: 207 });
    assert.equal(mixed.status, 207);
    assert.match(mixed.headers.get("content-type")!, /^multipart\/mixed;boundary=/);
    assert.equal(pulled, 0);
    assert.throws(
      () => pushResponse(camera(), { request: head(), status: 204 }),
      /options\.status/,
    );
  });
});
