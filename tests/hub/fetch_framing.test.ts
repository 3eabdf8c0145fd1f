// A PushHub answers fetch() readers like pushResponse does (issue 14 item 3): a request whose
// Accept asks for multipart/mixed first gets the replace push labelled multipart/mixed, marked
// push=replace (WebKit's fetch() cannot read x-mixed-replace); <img> loads keep x-mixed-replace.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { isReplacePush } from "../../lib/shared/fetch_framing.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";

const request = (headers: Record<string, string>): Request =>
  new Request("http://hub.test/", { headers });

describe("PushHub for fetch() readers", () => {
  it("labels a replace push multipart/mixed with push=replace, and it parses part by part", async () => {
    const hub = new PushHub({ boundary: "H", keepAlive: Infinity });
    const response = hub.response(
      request({ accept: "multipart/mixed, multipart/x-mixed-replace;q=0.9, text/html;q=0.8" }),
    );
    const type = response.headers.get("content-type")!;
    assert.equal(type, "multipart/mixed;boundary=H;push=replace");
    assert.ok(isReplacePush(type));
    hub.publish({ contentType: "text/html", body: "<b>1</b>" });
    hub.publish({ contentType: "text/html", body: "<b>2</b>" });
    hub.close();
    const bodies: string[] = [];
    for await (const part of parseParts(response)) bodies.push(part.text());
    assert.ok(bodies.length >= 1 && bodies.at(-1) === "<b>2</b>", `parts: ${bodies}`);
  });

  it("keeps multipart/x-mixed-replace for <img> and document loads", () => {
    const hub = new PushHub({ boundary: "H" });
    for (
      const headers of [
        { accept: "image/avif,image/webp,*/*", "sec-fetch-dest": "image" },
        { accept: "text/html,application/xhtml+xml,*/*;q=0.8", "sec-fetch-dest": "document" },
      ]
    ) {
      const type = hub.response(request(headers)).headers.get("content-type");
      assert.equal(type, "multipart/x-mixed-replace;boundary=H");
    }
    hub.close();
  });
});
