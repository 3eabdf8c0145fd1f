// How a PushHub replace push ends (issue 14): like the encoder, right after the last body when the
// source finishes or close() comes within a timer turn of the last frame, so no empty final part.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushStream } from "../../lib/push/stream.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay, readText } from "../_helpers/streams.ts";

const IMG = { headers: { "Sec-Fetch-Dest": "image" } };
const frame = (body: string): Part => ({ contentType: "image/jpeg", body });

/** Yields three frames 10 ms apart and ends right after the last. */
async function* three(): AsyncGenerator<Part> {
  for (const [i, body] of ["one", "two", "three"].entries()) {
    if (i > 0) await delay(10);
    yield frame(body);
  }
}

/** The bodies our decoder reads, and whether any is empty. */
async function bodies(wire: string, boundary: string): Promise<string[]> {
  const bytes = Uint8Array.from(wire, (c) => c.charCodeAt(0));
  const out: string[] = [];
  for await (const part of parseParts(new Blob([bytes]).stream(), { boundary })) {
    out.push(part.text());
  }
  return out;
}

describe("PushHub replace ending", () => {
  for (const [name, request] of [["plain", undefined], ["<img> (advanceHeaders)", IMG]] as const) {
    it(`${name}: a PushHub.from source that finishes ends right after its last body, byte for byte like pushStream`, async () => {
      const hub = PushHub.from(three, { boundary: "B", keepAlive: Infinity });
      const wire = await readText(hub.response(new Request("http://h/", request)).body!);
      assert.ok(wire.endsWith("\r\n\r\nthree\r\n--B--\r\n"), JSON.stringify(wire.slice(-40)));
      const expected = await readText(
        pushStream(three(), { boundary: "B", advanceHeaders: request !== undefined }),
      );
      assert.equal(wire, expected);
      assert.deepEqual(await bodies(wire, "B"), ["one", "two", "three"], "3 of 3, no empty part");
    });

    it(`${name}: close() right after publish() ends right after that body`, async () => {
      const hub = new PushHub({ boundary: "C", keepAlive: Infinity });
      const wire = readText(hub.response(new Request("http://h/", request)).body!);
      hub.publish(frame("a"));
      await delay(10);
      hub.publish(frame("b"));
      await delay(0); // the subscriber takes "b"; its line is still open
      hub.close();
      const got = await wire;
      assert.ok(got.endsWith("\r\n\r\nb\r\n--C--\r\n"), JSON.stringify(got.slice(-40)));
      assert.deepEqual(await bodies(got, "C"), ["a", "b"]);
    });

    it(`${name}: close() a while after the last frame completes the line first (no part is lost)`, async () => {
      const hub = new PushHub({ boundary: "D", keepAlive: Infinity });
      const wire = readText(hub.response(new Request("http://h/", request)).body!);
      hub.publish(frame("a"));
      await delay(20);
      hub.close();
      const got = await wire;
      // The complete line may already have reached the client: the part after it gets a body
      // (the last frame again, with advanceHeaders) or is the empty final part our decoder skips.
      assert.ok(
        got.endsWith(
          request
            ? "\r\n--D\r\nContent-Type: image/jpeg\r\n\r\na\r\n--D--\r\n"
            : "a\r\n--D\r\n\r\n--D--\r\n",
        ),
        JSON.stringify(got),
      );
      assert.deepEqual(await bodies(got, "D"), request ? ["a", "a"] : ["a"]);
    });
  }

  it("mixed mode is unchanged: no line is held, `--` after the last delimiter", async () => {
    const hub = new PushHub({ boundary: "M", mode: "mixed", keepAlive: Infinity });
    const wire = readText(hub.response().body!);
    hub.publish({ contentType: "application/json", body: "{}" });
    hub.close();
    assert.equal(
      await wire,
      "\r\n--M\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}\r\n--M--\r\n",
    );
  });
});
