// Issue 10, item 12: relay passes an upstream part's header bytes through unchanged (a Latin-1
// byte stays one byte, to a pushStream and to a PushHub), and an upstream part with an empty
// `Content-Type:` falls back to application/octet-stream instead of rejecting the relay.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { relay, type RelayedPart } from "../../lib/parse/relay.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { latin1, readAll } from "../_helpers/streams.ts";

/** An upstream push as a camera would send it, bytes given one char per byte. */
function upstream(): Response {
  const wire =
    "--B\r\nContent-Type: text/plain; name=caf\xe9\r\nX-Timestamp: caf\xe9\r\nContent-Length: 3\r\n\r\none" +
    "\r\n--B\r\nContent-Type:\r\n\r\ntwo\r\n--B--\r\n";
  const bytes = Uint8Array.from(wire, (c) => c.charCodeAt(0));
  return new Response(bytes, {
    headers: { "Content-Type": "multipart/x-mixed-replace;boundary=B" },
  });
}

/** The bytes between the first `from` and the next CRLF, one char per byte. */
function lineOf(wire: string, from: string): string {
  const at = wire.indexOf(from);
  assert.ok(at >= 0, `${JSON.stringify(from)} in ${JSON.stringify(wire)}`);
  return wire.slice(at, wire.indexOf("\r\n", at));
}

describe("relay and upstream header bytes (issue 10, item 12)", () => {
  it("hands on an empty Content-Type as application/octet-stream", async () => {
    const parts: RelayedPart[] = [];
    const count = await relay(upstream(), (part) => void parts.push(part));
    assert.equal(count, 2);
    assert.equal(parts[0].contentType, "text/plain; name=caf\xe9");
    assert.equal(parts[0].headers.get("x-timestamp"), "caf\xe9");
    // Content-Type is the part's own field and Content-Length the encoder's: neither is copied.
    assert.deepEqual([...parts[0].headers.keys()], ["x-timestamp"]);
    assert.equal(parts[1].contentType, "application/octet-stream");
  });

  it("into a pushStream: a Latin-1 header byte stays one byte", async () => {
    const parts: Part[] = [];
    await relay(upstream(), (part) => void parts.push(part));
    const wire = latin1(await readAll(pushStream(parts)));
    assert.equal(lineOf(wire, "x-timestamp:"), "x-timestamp: caf\xe9");
    assert.equal(
      lineOf(wire, "Content-Type: text/plain"),
      "Content-Type: text/plain; name=caf\xe9",
    );
    assert.equal(
      lineOf(wire, "Content-Type: application/"),
      "Content-Type: application/octet-stream",
    );
  });

  it("into a PushHub (relay(response, hub.publish.bind(hub))): the same bytes, and the relay resolves", async () => {
    const hub = new PushHub({ mode: "mixed" });
    const viewer = hub.response();
    const count = await relay(upstream(), hub.publish.bind(hub));
    hub.close();
    assert.equal(count, 2);
    const wire = latin1(new Uint8Array(await viewer.arrayBuffer()));
    assert.equal(lineOf(wire, "x-timestamp:"), "x-timestamp: caf\xe9");
    assert.equal(
      lineOf(wire, "Content-Type: application/"),
      "Content-Type: application/octet-stream",
    );
  });
});
