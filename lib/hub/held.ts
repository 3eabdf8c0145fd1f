/**
 * The frames one `PushHub` subscriber holds and has not taken yet, oldest
 * first, with their size kept as frames come and go (no count walks the
 * queue) and every frame reference reported to the hub, which counts each
 * shared buffer once (`retainedBytes`).
 *
 * @module
 */

import type { HubFrame } from "./frame.ts";

/** A frame held for a subscriber: the views it will send and their total size. */
export interface Held {
  views: Uint8Array[];
  frame: HubFrame;
  bytes: number;
}

/**
 * A subscriber's queue (one slot in replace mode).
 *
 * @example
 * ```ts ignore
 * const queue = new HeldFrames((frame, delta) => hub.hold(frame, delta));
 * queue.push([frame.plain], frame);
 * const { views } = queue.shift()!;
 * ```
 */
export class HeldFrames {
  /** The bytes of every view held. */
  bytes = 0;
  #items: Held[] = [];
  #hold: (frame: HubFrame, delta: 1 | -1) => void;

  /** `hold` is told of each reference to a frame taken (`1`) or let go (`-1`). */
  constructor(hold: (frame: HubFrame, delta: 1 | -1) => void) {
    this.#hold = hold;
  }

  /** Frames held. */
  get length(): number {
    return this.#items.length;
  }

  /** Queues `views` of `frame`. */
  push(views: Uint8Array[], frame: HubFrame): void {
    let bytes = 0;
    for (const view of views) bytes += view.byteLength;
    this.#items.push({ views, frame, bytes });
    this.bytes += bytes;
    this.#hold(frame, 1);
  }

  /** Replace mode: `views` of `frame` take the one slot, letting go of what it held. */
  replace(views: Uint8Array[], frame: HubFrame): void {
    this.shift();
    this.push(views, frame);
  }

  /** Takes the oldest frame out. */
  shift(): Held | undefined {
    const held = this.#items.shift();
    if (held) {
      this.bytes -= held.bytes;
      this.#hold(held.frame, -1);
    }
    return held;
  }

  /** Takes every frame out, oldest first. */
  clear(): Held[] {
    const items = this.#items;
    this.#items = [];
    this.bytes = 0;
    for (const { frame } of items) this.#hold(frame, -1);
    return items;
  }
}
