// backoffMs: doubling from retryMs, capped at maxRetryMs, with jitter between half and all of it,
// so a crowd of clients cut off together does not come back together.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backoffMs } from "../../lib/shared/backoff.ts";

/** `n` waits for the same attempt. */
const waits = (retryMs: number, maxRetryMs: number, attempt: number, n = 200): number[] =>
  Array.from({ length: n }, () => backoffMs(retryMs, maxRetryMs, attempt));

describe("backoffMs", () => {
  it("attempt n waits between half and all of retryMs * 2^n", () => {
    for (const [attempt, full] of [[0, 100], [1, 200], [2, 400], [5, 3200]]) {
      for (const wait of waits(100, 60_000, attempt)) {
        assert.ok(wait >= full / 2 && wait <= full, `attempt ${attempt}: ${wait} of ${full}`);
      }
    }
  });

  it("is capped at maxRetryMs, jitter included", () => {
    for (const wait of waits(100, 1000, 20)) {
      assert.ok(wait >= 500 && wait <= 1000, `${wait}`);
    }
  });

  it("jitters: 200 waits for one attempt spread over the range, not all equal", () => {
    const all = waits(1000, 60_000, 0);
    assert.ok(new Set(all).size > 100, `only ${new Set(all).size} distinct waits`);
    // Each tenth of the range [500, 1000] is hit (one missed by chance: 1 run in 10^8).
    const tenths = new Set(all.map((wait) => Math.min(9, Math.floor((wait - 500) / 50))));
    assert.equal(tenths.size, 10, `tenths hit: ${[...tenths].sort()}`);
  });
});
