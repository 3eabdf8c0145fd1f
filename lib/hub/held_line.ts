/**
 * A subscriber's delimiter line held open after a frame, as the encoder does
 * (lib/push/part_framer.ts, framing.ts): a replace-mode frame goes out ending
 * in `CRLF --B`, and the line's `CRLF` (with the header block that
 * `advanceHeaders` announces) follows one timer turn later. A hub that closes
 * within that turn (a `PushHub.from` source that ends right after its last
 * frame, `hub.close()` right after `publish()`) ends with `--` right after the
 * last body: no empty final part, the ending every browser and decoder keeps
 * (issue 14). Mixed mode has no line end to hold.
 *
 * @module
 */

import type { Framing } from "../push/framing.ts";

/**
 * One timer turn for all the open lines of a hub: a frame sent to a thousand
 * viewers arms one timer, not a thousand.
 *
 * @example
 * ```ts ignore
 * const turn = new LineTurn();
 * const line = new HeldLine(framing, turn, (chunk) => controller.enqueue(chunk));
 * ```
 */
export class LineTurn {
  #lines = new Set<HeldLine>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Completes `line` at the end of the current turn. */
  add(line: HeldLine): void {
    this.#lines.add(line);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const lines = [...this.#lines];
      this.#lines.clear();
      for (const open of lines) open.finish();
    }, 0);
  }

  /** `line` was completed or dropped before the turn ended. */
  delete(line: HeldLine): void {
    this.#lines.delete(line);
    if (this.#lines.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The held line of one subscriber. */
export class HeldLine {
  #framing: Framing;
  #turn: LineTurn;
  #enqueue: (chunk: Uint8Array) => void;
  #rest: Uint8Array | undefined;

  /** `enqueue` puts bytes on the subscriber's stream. */
  constructor(framing: Framing, turn: LineTurn, enqueue: (chunk: Uint8Array) => void) {
    this.#framing = framing;
    this.#turn = turn;
    this.#enqueue = enqueue;
  }

  /** Whether a line is open now: the push may end with `closeHeld`. */
  get open(): boolean {
    return this.#rest !== undefined;
  }

  /**
   * Sends `views` (a frame ending in its complete delimiter line, then
   * `announce` if any), holding back the line end and `announce`.
   */
  send(views: Uint8Array[], announce: number): void {
    this.finish();
    const rest = this.#framing.lineEnd.byteLength;
    const last = views.at(-1);
    if (rest === 0 || !last) {
      for (const view of views) this.#enqueue(view);
      return;
    }
    const cut = last.byteLength - rest - announce;
    for (let i = 0; i < views.length - 1; i++) this.#enqueue(views[i]);
    this.#enqueue(last.subarray(0, cut));
    this.#rest = last.subarray(cut);
    this.#turn.add(this);
  }

  /** Completes the open line now (before a next frame, or when the turn is over). */
  finish(): void {
    const rest = this.#rest;
    this.#rest = undefined;
    if (!rest) return;
    this.#turn.delete(this);
    this.#enqueue(rest);
  }

  /** Forgets the open line: the push ends (with `closeHeld`) or breaks. */
  drop(): void {
    if (this.#rest) this.#turn.delete(this);
    this.#rest = undefined;
  }
}
