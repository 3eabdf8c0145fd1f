/**
 * The frames one `PushHub` subscriber holds and has not taken yet, oldest
 * first, with their size kept as frames come and go (no count walks the
 * queue) and every frame reference reported to the hub, which counts each
 * shared buffer once (`retainedBytes`).
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";

/**
 * A subscriber's queue (one slot in replace mode).
 *
 * @example
 * ```ts ignore
 * const queue = new HeldFrames((frame, delta) => hub.hold(frame, delta));
 * queue.push(frame);
 * const next = queue.shift()!;
 * ```
 */
export class HeldFrames {
  /** The size of every frame held. */
  bytes = 0;
  #items: HubFrame[] = [];
  #hold: (frame: HubFrame, delta: 1 | -1) => void;

  /** `hold` is told of each reference to a frame taken (`1`) or let go (`-1`). */
  constructor(hold: (frame: HubFrame, delta: 1 | -1) => void) {
    this.#hold = hold;
  }

  /** Frames held. */
  get length(): number {
    return this.#items.length;
  }

  /** Queues `frame`. */
  push(frame: HubFrame): void {
    this.#items.push(frame);
    this.bytes += frame.size;
    this.#hold(frame, 1);
  }

  /** Replace mode: `frame` takes the one slot, letting go of what it held. */
  replace(frame: HubFrame): void {
    this.shift();
    this.push(frame);
  }

  /** Takes the oldest frame out. */
  shift(): HubFrame | undefined {
    const frame = this.#items.shift();
    if (frame) {
      this.bytes -= frame.size;
      this.#hold(frame, -1);
    }
    return frame;
  }

  /** Takes every frame out, oldest first. */
  clear(): HubFrame[] {
    const items = this.#items;
    this.#items = [];
    this.bytes = 0;
    for (const frame of items) this.#hold(frame, -1);
    return items;
  }
}
