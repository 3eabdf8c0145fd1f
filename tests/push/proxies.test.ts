// What sits between a push and its client, on each runtime's real server (issue 14 items 5 and 7):
// Hono's compress() with a catch-all filter must leave the push alone (default Cache-Control has
// no-transform), and the response head with the opening delimiter must reach the client at once
// when the first part comes late (Bun holds back a bare stream's head until its first chunk).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { deferred, HELD_BACK_MS, readUntil, within } from "../_helpers/streams.ts";

/** A part, then nothing until `gate` opens, then a second part. */
async function* gated(gate: Promise<void>): AsyncGenerator<Part> {
  yield { contentType: "text/plain", body: "first ".repeat(300) };
  await gate;
  yield { contentType: "text/plain", body: "second" };
}

describe(`a push behind Hono's compress() on ${runtime}`, () => {
  for (
    const [name, headers, compressed] of [
      [
        "default headers (no-transform): not compressed, first part before the second is sent",
        undefined,
        false,
      ],
      [
        "control, Cache-Control without no-transform: compressed",
        { "Cache-Control": "no-cache" },
        true,
      ],
    ] as const
  ) {
    it(name, async () => {
      const gate = deferred();
      const app = new Hono();
      app.use(compress({ contentTypeFilter: () => true }));
      app.get("/push", () => pushResponse(gated(gate.promise), { boundary: "B", headers }));
      await served((request) => app.fetch(request), async (url) => {
        try {
          const response = await within(
            2000,
            "response head",
            fetch(new URL("push", url), { headers: { "accept-encoding": "gzip" } }),
          );
          assert.equal(response.headers.get("content-encoding") === "gzip", compressed);
          if (compressed) return void await response.body!.cancel();
          const reader = response.body!.getReader();
          // The second part waits until the test ends, so compress() holding the first back
          // (waiting for more to fill a buffer) would keep it from ever coming: its arrival is
          // the check, however late a loaded machine delivers it.
          const first = await within(
            HELD_BACK_MS,
            "the first part while the second waits",
            readUntil(reader, "first \r\n--B"),
          );
          assert.ok(!first.includes("second"), "the second part was still withheld");
          await reader.cancel();
        } finally {
          gate.resolve();
        }
      });
    });
  }
});

describe(`a push whose first part comes late, on ${runtime}`, () => {
  it("sends the response head and the opening delimiter at once", async () => {
    const gate = deferred();
    await served(
      () => pushResponse(late(gate.promise), { boundary: "B" }),
      async (url) => {
        try {
          // The first part never comes until the test ends: a head or an opening held back
          // until it would never come, so their arrival is the check, with no time window.
          const head = within(HELD_BACK_MS, "response head before any part", fetch(url));
          const reader = (await head).body!.getReader();
          const opening = await within(
            HELD_BACK_MS,
            "opening delimiter before any part",
            readUntil(reader, "--B\r\n"),
          );
          // No request: browser framing, whose opening is the 512-byte preamble and `--B CRLF`.
          assert.equal(opening, `${" ".repeat(510)}\r\n--B\r\n`);
          await reader.cancel();
        } finally {
          gate.resolve();
        }
      },
    );
  });
});

/** The first part only once `gate` opens (the test opens it at its end). */
async function* late(gate: Promise<void>): AsyncGenerator<Part> {
  await gate;
  yield { contentType: "text/plain", body: "late" };
}
