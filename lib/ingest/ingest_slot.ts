/**
 * One publisher at a time per target: a second upload gets `409`, or with
 * `allowTakeover` replaces the live one (which is cut and answered `409`).
 * The slots live here, keyed by target, so a hub holds nothing for `ingest`.
 *
 * @module
 */

import { answer, IngestError, messageOf } from "./ingest_error.ts";
import type { IngestTarget } from "./ingest_target.ts";

/** A publisher's hold on its target's slot. */
export interface Slot {
  /** Aborts on a takeover (`409`) or when the target closes (`503`, the target's reason). */
  signal: AbortSignal;
  /**
   * Frees the slot when the upload has ended. `left`: it was a stream upload,
   * so its end means the publisher left (`target.goOffline()`), unless another
   * took over.
   */
  release(left: boolean): void;
}

const live = new WeakMap<IngestTarget, AbortController>();

/**
 * The slot of `target`, or the answer that refuses the upload: `503` once the
 * target's `signal` has aborted (a closed hub), `409` while another publisher
 * is live (unless `allowTakeover`).
 *
 * @example
 * ```ts
 * import { claimSlot } from "./ingest_slot.ts";
 *
 * const target = { publish: () => {} };
 * const slot = claimSlot(target, false);
 * (claimSlot(target, false) as Response).status; // 409
 * if (!(slot instanceof Response)) slot.release(false);
 * ```
 */
export function claimSlot(target: IngestTarget, allowTakeover: boolean): Slot | Response {
  const closing = target.signal;
  if (closing?.aborted) return answer(503, messageOf(closing.reason));
  const before = live.get(target);
  if (before !== undefined && !allowTakeover) return answer(409, "another publisher is live");
  before?.abort(new IngestError(409, "another publisher took over"));
  const mine = new AbortController();
  live.set(target, mine);
  const close = (): void => mine.abort(new IngestError(503, messageOf(closing!.reason)));
  closing?.addEventListener("abort", close, { once: true });
  return {
    signal: mine.signal,
    release(left) {
      closing?.removeEventListener("abort", close);
      if (live.get(target) !== mine) return;
      live.delete(target);
      if (left) target.goOffline?.();
    },
  };
}
