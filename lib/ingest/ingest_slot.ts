/**
 * One publisher at a time for `hub.ingest`: a second upload gets `409`, or
 * with `allowTakeover` replaces the live one (which is cut and answered `409`).
 *
 * @module
 */

import { answer, IngestError } from "./ingest_error.ts";
import { acceptUpload, type IngestTarget, publishAll } from "./ingest.ts";
import type { HubIngestOptions } from "./ingest_options.ts";

export type { HubIngestOptions };
import type { CorsPolicy } from "../access/cors.ts";

/**
 * The publisher slot of one target.
 *
 * @example
 * ```ts
 * import { IngestSlot } from "./ingest_slot.ts";
 *
 * const frames: unknown[] = [];
 * const slot = new IngestSlot({ publish: (part) => frames.push(part) });
 * const options = { authorize: "anyone" } as const;
 * const upload = new Request("http://cam/ingest", {
 *   method: "POST",
 *   headers: { "content-type": "image/jpeg" },
 *   body: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
 * });
 * (await slot.run(upload, options)).status; // 204
 * ```
 */
export class IngestSlot {
  #target: IngestTarget;
  #live: AbortController | undefined;
  #closed = false;
  #left: () => void;

  /**
   * @param target Where frames go.
   * @param left Called when a stream upload (not one picture per request)
   * ended and no other took over: the publisher left.
   */
  constructor(target: IngestTarget, left: () => void = () => {}) {
    this.#target = target;
    this.#left = left;
  }

  /**
   * `ingest(request, target, options)` while no other upload is live; with
   * `cors`, preflights are answered and answers carry its headers; `onError`
   * hears of refused frames when the options name none (the hub's).
   * @throws {TypeError|RangeError} at once, on a bad request or option.
   */
  run(
    request: Request,
    options?: HubIngestOptions,
    cors?: CorsPolicy,
    onError?: (error: unknown) => void,
  ): Promise<Response> {
    if (cors && request instanceof Request) {
      // The hub's allowOrigin: a page on another origin may post frames.
      const preflight = cors.preflight(request);
      if (preflight) return Promise.resolve(preflight);
      return this.run(request, options, undefined, onError).then((answer) =>
        cors.apply(request, answer)
      );
    }
    return acceptUpload(request, this.#target, options, onError).then((accepted) => {
      if (accepted instanceof Response) return accepted;
      const { upload, config } = accepted;
      const refusal = this.#closed
        ? answer(503, "the hub is closed")
        : this.#live !== undefined && !config.allowTakeover
        ? answer(409, "another publisher is live on this hub")
        : undefined;
      if (refusal !== undefined) {
        request.body?.cancel().catch(() => {});
        return refusal;
      }
      this.#live?.abort(new IngestError(409, "another publisher took over"));
      const live = new AbortController();
      this.#live = live;
      const signal = config.signal === undefined
        ? live.signal
        : AbortSignal.any([live.signal, config.signal]);
      return publishAll(upload.open(signal), this.#target, config.onError).finally(() => {
        if (this.#live !== live) return;
        this.#live = undefined;
        if (upload.stream) this.#left();
      });
    });
  }

  /** Cuts the live upload (answered `503`) and refuses later ones. */
  close(): void {
    this.#closed = true;
    this.#live?.abort(new IngestError(503, "the hub was closed"));
  }
}
