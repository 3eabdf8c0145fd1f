/**
 * The async iterator `parseParts` returns: splits the chunk in hand one part
 * per `next()` (a chunk full of tiny parts is never split all at once), and
 * pulls a chunk only when that one is used up, so a part is handed out as soon
 * as the chunk that completes it has been read. Leaving early or aborting
 * cancels the input.
 *
 * @module
 */

import { checkedChunk, type ChunkSource } from "./chunk_source.ts";
import type { PartLimits } from "./assembler.ts";
import { MultipartSplitter } from "./splitter.ts";
import type { ReceivedPart } from "./received_part.ts";

/**
 * Parts of one input, in order.
 *
 * @example
 * ```ts
 * import { openChunkSource } from "./chunk_source.ts";
 * import { PartIterator } from "./part_iterator.ts";
 *
 * const source = openChunkSource(new Response("--B\r\n\r\nhi\r\n--B--"));
 * const limits = { maxHeaderSize: 16384, maxPartSize: 1 << 24, maxParts: Infinity };
 * for await (const part of new PartIterator(source, "B", limits, undefined)) part.text(); // "hi"
 * ```
 */
export class PartIterator implements AsyncIterableIterator<ReceivedPart> {
  #source: ChunkSource;
  #splitter: MultipartSplitter;
  #signal: AbortSignal | undefined;
  /**
   * Parts split off and not yet handed out, `#queue[#head..#tail)`: at most two (a held empty
   * part, then one more). Slots are cleared, never the array's length: emptying an array frees
   * its storage, and refilling it on every part made garbage per part.
   */
  #queue: (ReceivedPart | undefined)[] = [undefined, undefined];
  #head = 0;
  #tail = 0;
  /** The chunk being split while it may hold more parts, and where splitting goes on. */
  #chunk: Uint8Array | undefined;
  #at = 0;
  #done = false;
  #returned = false;
  #abortSeen = false;
  #error: { reason: unknown } | undefined;
  #busy: Promise<IteratorResult<ReceivedPart>> | undefined;
  #open = true;
  #onAbort = (): void => void this.#close(this.#signal!.reason);

  constructor(
    source: ChunkSource,
    boundary: string,
    limits: PartLimits,
    signal: AbortSignal | undefined,
    endAfterPart = false,
  ) {
    this.#source = source;
    const emit = (part: ReceivedPart): void => {
      this.#queue[this.#tail++] = part;
    };
    this.#splitter = new MultipartSplitter(boundary, limits, emit, endAfterPart);
    this.#signal = signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#onAbort();
      else signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ReceivedPart> {
    return this;
  }

  next(): Promise<IteratorResult<ReceivedPart>> {
    // Calls made before the previous one settled wait their turn.
    if (this.#busy !== undefined) return this.#busy.then(() => this.next(), () => this.next());
    if (!this.#signal?.aborted && this.#error === undefined) {
      // The next part of the chunk in hand, without an async step; a failure is left to #step.
      if (this.#head === this.#tail && this.#chunk !== undefined) {
        try {
          this.#split();
        } catch (reason) {
          this.#error = { reason };
        }
      }
      if (this.#head < this.#tail) {
        return Promise.resolve({ done: false, value: this.#shift() });
      }
    }
    const step = this.#step();
    this.#busy = step;
    const clear = (): void => {
      if (this.#busy === step) this.#busy = undefined;
    };
    step.then(clear, clear);
    return step;
  }

  async return(): Promise<IteratorResult<ReceivedPart>> {
    this.#returned = true;
    this.#done = true;
    this.#error = undefined;
    this.#drop();
    this.#chunk = undefined;
    await this.#close();
    return { done: true, value: undefined };
  }

  async #step(): Promise<IteratorResult<ReceivedPart>> {
    while (true) {
      if (this.#signal?.aborted && !this.#abortSeen) {
        this.#abortSeen = true;
        this.#drop();
        this.#chunk = undefined;
        this.#error = { reason: this.#signal.reason };
      }
      if (this.#head < this.#tail) return { done: false, value: this.#shift() };
      if (this.#error !== undefined) {
        const { reason } = this.#error;
        this.#error = undefined;
        this.#done = true;
        await this.#close(reason);
        throw reason;
      }
      if (this.#done) return { done: true, value: undefined };
      try {
        if (this.#splitter.closed) {
          this.#done = true;
          this.#chunk = undefined;
          await this.#close();
          continue;
        }
        if (this.#chunk === undefined) {
          const result = await this.#read();
          if (this.#returned) return { done: true, value: undefined };
          // An abort cancels a stream, which ends its pending read: that end is not the input's.
          if (this.#signal?.aborted) throw this.#signal.reason;
          if (result.done) {
            this.#done = true;
            this.#open = false;
            this.#stopWatching();
            this.#splitter.end();
            continue;
          }
          this.#chunk = checkedChunk(result.value);
          this.#at = 0;
        }
        this.#split();
      } catch (reason) {
        if (this.#returned) return { done: true, value: undefined };
        this.#error = { reason: this.#signal?.aborted ? this.#signal.reason : reason };
        await this.#close(reason);
      }
    }
  }

  /**
   * One read, or the signal's reason if it aborts first. A stream needs no race:
   * the abort cancels it, which ends the pending read at once. An async
   * iterator's `return()` waits for its pending `next()`, so there the read
   * races an abort promise, made per read and dropped with its listener after
   * it: one promise shared by all reads would, while the signal lives, collect a
   * reaction holding every chunk.
   */
  #read(): Promise<{ done?: boolean | undefined; value?: unknown }> {
    const signal = this.#signal;
    if (signal === undefined || this.#source.cancelEndsRead) return this.#source.read();
    return this.#readOrAbort(signal);
  }

  async #readOrAbort(
    signal: AbortSignal,
  ): Promise<{ done?: boolean | undefined; value?: unknown }> {
    if (signal.aborted) throw signal.reason;
    let fail = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      fail = () => reject(signal.reason);
      signal.addEventListener("abort", fail, { once: true });
    });
    try {
      return await Promise.race([this.#source.read(), aborted]);
    } finally {
      signal.removeEventListener("abort", fail);
    }
  }

  /** Splits the chunk in hand up to its next part, or to its end. */
  #split(): void {
    const chunk = this.#chunk!;
    this.#at = this.#splitter.push(chunk, this.#at);
    if (this.#at === chunk.length) this.#chunk = undefined;
  }

  #shift(): ReceivedPart {
    const part = this.#queue[this.#head]!;
    this.#queue[this.#head++] = undefined;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
    return part;
  }

  /** Forgets the parts not handed out. */
  #drop(): void {
    this.#queue.fill(undefined);
    this.#head = this.#tail = 0;
  }

  #stopWatching(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  async #close(reason?: unknown): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#stopWatching();
    await this.#source.cancel(reason).catch(() => {});
  }
}
