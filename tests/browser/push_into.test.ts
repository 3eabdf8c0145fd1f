// pushInto (lib/browser/push_into.ts) against real servers on every runtime, writing into a plain
// { innerHTML } target; the same code in a real page is tested in html_push_client.chromium.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushInto } from "../../lib/browser/push_into.ts";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { serve, type Served } from "../_helpers/serve.ts";

const html = (body: string): Part => ({ contentType: "text/html; charset=utf-8", body });

async function* paced(parts: Part[], ms: number): AsyncGenerator<Part> {
  for (const [i, part] of parts.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    yield part;
  }
}

describe("pushInto", () => {
  let server: Served;
  before(async () => {
    server = await serve((request) => {
      const path = new URL(request.url).pathname;
      const parts = [
        html("<p>one</p>"),
        { contentType: "text/plain", body: "skip" },
        html("<p>two</p>"),
      ];
      if (path === "/replace") return pushResponse(paced(parts, 20), { request });
      if (path === "/mixed") return pushResponse(paced(parts, 20), { request, mode: "mixed" });
      if (path === "/endless") {
        return pushResponse(paced(Array.from({ length: 1000 }, (_, i) => html(`${i}`)), 20), {
          request,
        });
      }
      if (path === "/plain") {
        return new Response("<p>plain</p>", { headers: { "content-type": "text/html" } });
      }
      return new Response("nope", { status: 404 });
    });
  });
  after(() => server.close());

  it("replaces the target's content with each text/html part, ending on the last", async () => {
    const target = { innerHTML: "" };
    const seen: string[] = [];
    const shown = await pushInto(target, new URL("replace", server.url), {
      onPart: (part) => seen.push(`${part.contentType}|${target.innerHTML}`),
    });
    // "two" twice: a replace push ends with its last part again (lib/push/framing.ts).
    assert.equal(shown, 3);
    assert.equal(target.innerHTML, "<p>two</p>");
    assert.deepEqual(seen, [
      "text/html; charset=utf-8|<p>one</p>",
      "text/plain|<p>one</p>",
      "text/html; charset=utf-8|<p>two</p>",
      "text/html; charset=utf-8|<p>two</p>",
    ]);
  });

  it("appends each part of a multipart/mixed push", async () => {
    const target = { innerHTML: "<h1>log</h1>" };
    assert.equal(await pushInto(target, new URL("mixed", server.url).href), 2);
    assert.equal(target.innerHTML, "<h1>log</h1><p>one</p><p>two</p>");
  });

  it("shows an ordinary HTML response once, and takes a Response already fetched", async () => {
    const target = { innerHTML: "" };
    assert.equal(await pushInto(target, await fetch(new URL("plain", server.url))), 1);
    assert.equal(target.innerHTML, "<p>plain</p>");
  });

  it("stops reading when its signal aborts", async () => {
    const target = { innerHTML: "" };
    const controller = new AbortController();
    const done = pushInto(target, new URL("endless", server.url), {
      signal: controller.signal,
      onPart: (part) => {
        if (part.text() === "2") controller.abort(new Error("enough"));
      },
    });
    await assert.rejects(done, /enough/);
    assert.equal(target.innerHTML, "2");
  });

  it("rejects a response that is not OK and a target without innerHTML", async () => {
    await assert.rejects(pushInto({ innerHTML: "" }, new URL("missing", server.url)), /404/);
    await assert.rejects(pushInto(null as unknown as { innerHTML: string }, server.url), TypeError);
  });
});
