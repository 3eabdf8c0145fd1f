/**
 * One publisher at a time per target: a second upload gets `409`, or with
 * `allowTakeover` replaces the live one (which is cut and answered `409`).
 * The slots live here, keyed by target, so a hub holds nothing for `ingest`.
 *
 * @module
 */

import { answer, IngestError } from "./ingest_error.ts";
import type { IngestTarget } from "./ingest_target.ts";

/** A target's slot: the live upload, and whether the target has closed. */
interface TargetSlot {
  live: AbortController | undefined;
  closed: boolean;
}

const slots = new WeakMap<IngestTarget, TargetSlot>();

const CLOSED = "the hub was closed";

/**
 * The slot of `target`, made on its first upload, which from then on listens
 * to `target.closed`: when it settles the live upload is cut (`503`).
 * Call it before the upload's checks: a target closed already is known to be
 * closed by the time they are done (its `then` callback runs first).
 *
 * @example
 * ```ts
 * import { slotOf } from "./ingest_slot.ts";
 *
 * slotOf({ publish: () => {} }).closed; // false
 * ```
 */
export function slotOf(target: IngestTarget): TargetSlot {
  let slot = slots.get(target);
  if (slot === undefined) {
    const made: TargetSlot = { live: undefined, closed: false };
    slots.set(target, made);
    const close = (): void => {
      made.closed = true;
      made.live?.abort(new IngestError(503, CLOSED));
    };
    target.closed?.then(close, close); // a rejection closes too, and is not left unhandled
    slot = made;
  }
  return slot;
}

/** A publisher's hold on its target's slot. */
export interface Hold {
  /** Aborts on a takeover (`409`) or when the target closes (`503`). */
  signal: AbortSignal;
  /**
   * Frees the slot when the upload has ended. `left`: it was a stream upload,
   * so its end means the publisher left (`target.goOffline()`), unless another
   * took over.
   */
  release(left: boolean): void;
}

/**
 * Takes `target`'s slot, or the answer that refuses the upload: `503` once
 * the target has closed, `409` while another publisher is live (unless
 * `allowTakeover`, which cuts the live one with `409`).
 *
 * @example
 * ```ts
 * import { claimSlot } from "./ingest_slot.ts";
 *
 * const target = { publish: () => {} };
 * const hold = claimSlot(target, false);
 * (claimSlot(target, false) as Response).status; // 409
 * if (!(hold instanceof Response)) hold.release(false);
 * ```
 */
export function claimSlot(target: IngestTarget, allowTakeover: boolean): Hold | Response {
  const slot = slotOf(target);
  if (slot.closed) return answer(503, CLOSED);
  if (slot.live !== undefined && !allowTakeover) return answer(409, "another publisher is live");
  slot.live?.abort(new IngestError(409, "another publisher took over"));
  const mine = new AbortController();
  slot.live = mine;
  return {
    signal: mine.signal,
    release(left) {
      if (slot.live !== mine) return;
      slot.live = undefined;
      if (left) target.goOffline?.();
    },
  };
}
