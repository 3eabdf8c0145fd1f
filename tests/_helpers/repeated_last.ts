/**
 * A replace push read to its end ends with its last part repeated (issue 19; lib/push/framing.ts),
 * so a reader gets one part more than was pushed. The tests that read a push to its end check the
 * repeat here, rather than tolerating an extra part.
 */
import assert from "node:assert/strict";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";

/**
 * Asserts that the last of `parts` repeats the one before it (same Content-Type, same bytes) and
 * returns the parts pushed: all but that repeat.
 */
export function withoutRepeat(parts: ReceivedPart[]): ReceivedPart[] {
  assert.ok(parts.length >= 2, `a repeated last part needs two parts, got ${parts.length}`);
  const [before, last] = parts.slice(-2);
  assert.equal(last.contentType, before.contentType, "the repeat's Content-Type");
  assert.deepEqual(last.body, before.body, "the last part repeated at the end");
  return parts.slice(0, -1);
}
