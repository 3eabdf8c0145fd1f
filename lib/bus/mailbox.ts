/**
 * Messages a bus delivered and the hub has not taken yet: at most `size`,
 * oldest dropped first, so a hub that is not pulling (no viewer waits for a
 * frame) never makes a subscription hold more than `size` messages.
 *
 * @module
 */

/**
 * A bounded queue between a bus callback (`put`) and one async reader (`take`).
 *
 * @example
 * ```ts ignore
 * const mailbox = new Mailbox<Uint8Array>(1);
 * subscription.onMessage = (bytes) => mailbox.put(bytes);
 * const next = await mailbox.take(signal); // undefined once signal aborts
 * ```
 */
export class Mailbox<T> {
  #size: number;
  #queue: T[] = [];
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  /** `size` messages at most; one more drops the oldest. */
  constructor(size: number) {
    this.#size = size;
  }

  /** A message arrived. */
  put(message: T): void {
    if (this.#failure) return;
    if (this.#queue.length >= this.#size) this.#queue.shift();
    this.#queue.push(message);
    this.#wake?.();
  }

  /** The subscription broke: `take()` throws `error` once the queue is empty. */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake?.();
  }

  /**
   * The oldest message, waiting for one if need be; `undefined` once `signal`
   * aborts (the hub stopped this run).
   */
  async take(signal: AbortSignal): Promise<T | undefined> {
    while (true) {
      if (signal.aborted) return undefined;
      if (this.#queue.length > 0) return this.#queue.shift();
      if (this.#failure) throw this.#failure.error;
      let onAbort!: () => void;
      await new Promise<void>((resolve) => {
        this.#wake = onAbort = resolve;
        signal.addEventListener("abort", onAbort, { once: true });
      });
      // One listener per wait, not per message: a long run would pile them up on the signal.
      signal.removeEventListener("abort", onAbort);
      this.#wake = undefined;
    }
  }
}
