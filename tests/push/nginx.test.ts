// A push behind Debian's nginx with its default proxy_pass (issue 14 item 6): X-Accel-Buffering: no,
// which pushResponse sends, is what lets each part through at once. The control turns it off and
// nginx holds the part back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushResponse } from "../../lib/push/response.ts";
import type { Part } from "../../lib/push/part.ts";
import { nginxSkipReason, startNginx } from "../_helpers/nginx.ts";
import { runtime } from "../_helpers/runtime.ts";
import { served } from "../_helpers/serve.ts";
import { deferred, HELD_BACK_MS, readUntil, within } from "../_helpers/streams.ts";

const why = nginxSkipReason ? ` (${nginxSkipReason})` : "";

/** A part, then nothing until `gate` opens, then a second part. */
async function* gated(gate: Promise<void>): AsyncGenerator<Part> {
  yield { contentType: "text/plain", body: "first" };
  await gate;
  yield { contentType: "text/plain", body: "second" };
}

describe(`a push behind nginx on ${runtime}${why}`, () => {
  for (
    const [name, buffering] of [["default headers", undefined], [
      "control, X-Accel-Buffering: yes",
      "yes",
    ]] as const
  ) {
    it(`${name}${why}`, { skip: nginxSkipReason !== undefined, timeout: 20_000 }, async () => {
      const gate = deferred();
      const headers = buffering ? { "X-Accel-Buffering": buffering } : undefined;
      await served(
        () => pushResponse(gated(gate.promise), { boundary: "B", headers }),
        async (url) => {
          const proxy = await startNginx(url);
          const opened: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {};
          try {
            const first = fetch(proxy.url).then((response) => {
              opened.reader = response.body!.getReader();
              return readUntil(opened.reader, "first\r\n--B");
            });
            if (buffering) {
              // nginx holds the part (and the head): a second of nothing while the second part
              // waits (a loaded machine only makes it later), then the upstream's end lets go.
              await assert.rejects(within(1000, "held back", first), /not within 1000 ms/);
              gate.resolve();
              const text = await within(HELD_BACK_MS, "the held part at the end", first);
              assert.match(text, /first\r\n--B/, "nginx passed it on once the push ended");
            } else {
              // The second part waits until the first has arrived: a part nginx held back would
              // never come, so its arrival is the check, however loaded the machine.
              const text = await within(
                HELD_BACK_MS,
                "the first part while the second waits",
                first,
              );
              assert.ok(!text.includes("second"), "the second part was still withheld");
            }
          } finally {
            gate.resolve();
            await opened.reader?.cancel().catch(() => {});
            await proxy.close();
          }
        },
      );
    });
  }
});
