// Replace pushes for fetch() readers (issue 14 item 3): a request that asks for multipart/mixed
// first gets mixed framing marked push=replace; <img> and document loads keep replace framing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import { asksForMixed, isReplacePush } from "../../lib/shared/fetch_framing.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";

const request = (accept: string, dest?: string): Request =>
  new Request("http://x/", { headers: { accept, ...(dest ? { "sec-fetch-dest": dest } : {}) } });

describe("replace pushes for fetch() readers", () => {
  it("answers a multipart/mixed-first Accept in reader framing labelled multipart/mixed, marked push=replace, whatever Sec-Fetch-Dest says", async () => {
    const accept = "multipart/mixed, multipart/x-mixed-replace;q=0.9, text/html;q=0.8";
    // Asking for multipart/mixed wins over the signs of a browser load (a document destination).
    for (const dest of [undefined, "document"]) {
      const parts = [{ contentType: "text/html", body: "<b>1</b>" }, {
        contentType: "text/html",
        body: "<b>2</b>",
      }];
      const response = pushResponse(parts, { boundary: "B", request: request(accept, dest) });
      const type = response.headers.get("content-type")!;
      assert.equal(type, "multipart/mixed;boundary=B;push=replace", `Sec-Fetch-Dest: ${dest}`);
      assert.ok(isReplacePush(type));
      const bodies: string[] = [];
      for await (const part of parseParts(response)) bodies.push(part.text());
      assert.deepEqual(bodies, ["<b>1</b>", "<b>2</b>", "<b>2</b>"], "the last part again to end");
    }
  });

  it("keeps replace framing for image and document loads, and an explicit mixed push unmarked", async () => {
    const img = request("image/avif,image/webp,*/*", "image");
    const doc = request("text/html,application/xhtml+xml,*/*;q=0.8", "document");
    const opening = async (r: Request): Promise<string> => {
      const reader = pushResponse([], { boundary: "B", request: r }).body!.getReader();
      const { value } = await reader.read();
      await reader.cancel();
      return new TextDecoder().decode(value);
    };
    for (const r of [img, doc]) {
      const type = pushResponse([], { request: r }).headers.get("content-type")!;
      assert.match(type, /^multipart\/x-mixed-replace;boundary=/);
      // Browser framing, told by its opening: the preamble, then the first delimiter line.
      assert.equal(await opening(r), `${" ".repeat(510)}\r\n--B\r\n`, r.headers.get("accept")!);
    }
    assert.equal(await opening(request("*/*", "empty")), "\r\n--B", "a fetch() reader");
    const mixed = pushResponse([], { mode: "mixed", request: request("multipart/mixed") });
    assert.doesNotMatch(mixed.headers.get("content-type")!, /push=replace/);
  });

  it("reads Accept and Content-Type as written", () => {
    assert.equal(asksForMixed(request("multipart/mixed;deferSpec=20220824")), true);
    assert.equal(asksForMixed(request("text/html, multipart/mixed")), false);
    assert.equal(asksForMixed(request("multipart/mixedup")), false);
    assert.equal(isReplacePush("multipart/x-mixed-replace;boundary=B"), true);
    assert.equal(isReplacePush('multipart/mixed; boundary="B"; push="replace"'), true);
    assert.equal(isReplacePush("multipart/mixed;boundary=B"), false);
    assert.equal(isReplacePush("multipart/mixed;boundary=push=replace"), false);
  });
});
