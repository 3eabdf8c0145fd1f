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
import { deferred, latin1 } from "../_helpers/streams.ts";

const why = nginxSkipReason ? ` (${nginxSkipReason})` : "";

/** A part, then nothing until `gate` opens. */
async function* gated(gate: Promise<void>): AsyncGenerator<Part> {
  yield { contentType: "text/plain", body: "first" };
  await gate;
  yield { contentType: "text/plain", body: "second" };
}

/** What arrives within `ms` of the request, read through `url`. */
async function within(url: string, ms: number): Promise<{ text: string; firstAt: number }> {
  const controller = new AbortController();
  const started = Date.now();
  let text = "";
  let firstAt = -1;
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const response = await fetch(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += latin1(value);
      if (firstAt === -1 && text.includes("first\r\n--B")) firstAt = Date.now() - started;
    }
  } catch {
    // The abort at `ms` ends the read.
  } finally {
    clearTimeout(timer);
  }
  return { text, firstAt };
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
          try {
            const seen = await within(proxy.url, 1000);
            if (buffering) {
              assert.equal(
                seen.firstAt,
                -1,
                `nginx let the part through: ${JSON.stringify(seen.text)}`,
              );
            } else {
              assert.ok(
                seen.firstAt >= 0 && seen.firstAt < 1000,
                `first part: ${JSON.stringify(seen)}`,
              );
              console.log(`# nginx: first part through after ${seen.firstAt} ms`);
            }
          } finally {
            gate.resolve();
            await proxy.close();
          }
        },
      );
    });
  }
});
