/**
 * A publisher's request body as the frame readers read it: stopped when no
 * complete frame arrived for `idleTimeout` ms (bytes trickling in do not
 * count: a publisher sending one byte a second must not hold the hub's one
 * publisher slot) or when `signal` aborts (a takeover, the hub closing), and
 * remembering its last bytes (how ffmpeg's mpjpeg upload ends tells a
 * finished upload from a broken one).
 *
 * @module
 */

import { IngestError } from "./ingest_error.ts";

const TAIL = 512;
const READ_AHEAD = 1 << 20;

/**
 * The body, watched.
 *
 * @example
 * ```ts
 * import { UploadBody } from "./upload_body.ts";
 *
 * const upload = new UploadBody(new Response("abc").body!, 30_000, undefined);
 * await new Response(upload.stream).text(); // "abc"
 * upload.tail(); // Uint8Array "abc"
 * ```
 */
export class UploadBody {
  /** The body's bytes; it errors with an {@linkcode IngestError} when stopped. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Set when the connection broke (the stream then just ends). */
  broken: { error: unknown } | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #tail = new Uint8Array(0);
  #last = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fail: (error: IngestError) => void = () => {};
  #signal: AbortSignal | undefined;
  #onAbort = (): void => {
    const reason = this.#signal!.reason;
    this.#stop(reason instanceof IngestError ? reason : new IngestError(503, String(reason)));
  };

  /**
   * @param body The request body.
   * @param idleTimeout Most milliseconds from the start to the first frame and between two
   * frames (Infinity: no limit); the readers call {@linkcode UploadBody.frameArrived}.
   * @param signal Stops the body with its reason (an `IngestError` keeps its status, else 503).
   */
  constructor(body: ReadableStream<Uint8Array>, idleTimeout: number, signal?: AbortSignal) {
    this.#reader = body.getReader();
    this.#signal = signal;
    const stopped = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    stopped.catch(() => {});
    this.stream = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await Promise.race([this.#reader.read(), stopped]);
        } catch (error) {
          this.#cleanup();
          if (error instanceof IngestError) throw error;
          // The connection broke: end the stream instead of erroring it, which would throw away
          // the chunks read ahead; the readers decide from the tail whether a frame was cut.
          this.broken = { error };
          controller.close();
          return;
        }
        const { value, done } = result;
        if (done) {
          this.#cleanup();
          controller.close();
          return;
        }
        if (!(value instanceof Uint8Array)) {
          throw new IngestError(400, "the request body did not give bytes");
        }
        this.#keepTail(value);
        controller.enqueue(value);
      },
      cancel: (reason) => {
        this.#cleanup();
        return this.#reader.cancel(reason).catch(() => {});
      },
      // Reading ahead drains the socket while a frame is published: Deno drops a body's unread
      // bytes when the publisher closes without waiting for the answer, as ffmpeg does.
    }, { highWaterMark: READ_AHEAD, size: (chunk) => chunk.byteLength });
    if (Number.isFinite(idleTimeout)) this.#arm(idleTimeout);
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** A whole frame has arrived: the idle clock starts again. */
  frameArrived(): void {
    this.#last = Date.now();
  }

  /** The last bytes read (up to 512). */
  tail(): Uint8Array {
    return this.#tail;
  }

  #keepTail(chunk: Uint8Array): void {
    if (chunk.length >= TAIL) {
      this.#tail = chunk.slice(chunk.length - TAIL);
      return;
    }
    const keep = Math.min(this.#tail.length, TAIL - chunk.length);
    const next = new Uint8Array(keep + chunk.length);
    next.set(this.#tail.subarray(this.#tail.length - keep));
    next.set(chunk, keep);
    this.#tail = next;
  }

  /** One timer, re-armed only when it fires early: no timer work per chunk. */
  #arm(idleTimeout: number): void {
    const wait = Math.max(0, this.#last + idleTimeout - Date.now());
    this.#timer = setTimeout(() => {
      if (Date.now() - this.#last >= idleTimeout) {
        this.#stop(new IngestError(408, `no complete frame arrived for ${idleTimeout} ms`));
      } else this.#arm(idleTimeout);
    }, wait);
  }

  #stop(error: IngestError): void {
    this.#cleanup();
    this.#fail(error);
    this.#reader.cancel(error).catch(() => {});
  }

  #cleanup(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }
}
