/**
 * The multipart body of an incremental or subscription response.
 *
 * Byte layout (Apollo Server's, chosen by measurement, see the README): the
 * body opens with `CRLF --B CRLF`; each part is `content-type: application/json;
 * charset=utf-8 CRLF CRLF json` followed at once by its whole delimiter line,
 * `CRLF --B CRLF`, or by the close delimiter `CRLF --B-- CRLF` when it is the
 * last payload (`hasNext: false`). Apollo Client, urql and meros act on
 * `CRLF --B`; fetch-multipart-graphql only on `CRLF --B CRLF`, so a layout that
 * sends the line's CRLF with the next part (Yoga's, Apollo Router's) holds
 * each payload back until the next one. When the source ends without a last
 * payload (a subscription ending), a closing part is written: `{}` (a
 * heartbeat, which subscription clients skip) or `{"hasNext":false}`.
 *
 * JSON text never contains a CR, so no payload can contain the delimiter: the
 * boundary can be the short `-` every GraphQL client defaults to.
 *
 * @module
 */

import type { PayloadSource } from "./payload_source.ts";
import type { JsonObject } from "./types.ts";

/** How one response's stream behaves. */
export interface GraphQLStreamConfig {
  boundary: string;
  /** Milliseconds without a payload before a `{}` part; 0 for none. */
  heartbeat: number;
  /** Subscription (`{}` closes, errors end cleanly with `{ payload: null, errors }`) or incremental. */
  subscription: boolean;
  /** The server's signal: ends subscriptions cleanly, breaks incremental ones off. */
  signal: AbortSignal | undefined;
  /** The request's signal: the client left, so the results are stopped and the body closed. */
  leave: AbortSignal | undefined;
  onError: (error: unknown) => void;
  waitUntil: ((promise: Promise<void>) => void) | undefined;
}

const encoder = new TextEncoder();
const HEARTBEAT = Symbol("heartbeat");
const HEAD = "content-type: application/json; charset=utf-8\r\n\r\n";

/**
 * Streams `source`'s payloads as multipart parts, pulling one per read.
 *
 * @example
 * ```ts ignore
 * const body = graphqlStream(payloadSource(undefined, iteratorOf(events), (p) => p), {
 *   boundary: "-", heartbeat: 5000, subscription: true,
 *   signal: undefined, leave: request.signal, onError: console.error, waitUntil: undefined,
 * });
 * ```
 */
export function graphqlStream(
  source: PayloadSource,
  config: GraphQLStreamConfig,
): ReadableStream<Uint8Array> {
  const { boundary, heartbeat, subscription } = config;
  const closing = subscription ? "{}" : '{"hasNext":false}';
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  let next: Promise<IteratorResult<JsonObject>> | undefined;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const part = (json: string, last: boolean): Uint8Array =>
    encoder.encode(`${HEAD}${json}\r\n--${boundary}${last ? "--" : ""}\r\n`);

  function finish(sourceOpen: boolean): void {
    done = true;
    config.signal?.removeEventListener("abort", onAbort);
    config.leave?.removeEventListener("abort", onLeave);
    if (!sourceOpen) return settle();
    source.return().catch(config.onError).finally(settle);
  }

  function end(json: string, sourceOpen: boolean): void {
    finish(sourceOpen);
    try {
      controller.enqueue(part(json, true));
      controller.close();
    } catch {
      // The consumer tore the stream down first: nothing left to send to.
    }
  }

  function fail(error: unknown, sourceOpen: boolean): void {
    if (done) return;
    config.onError(error);
    // A subscription reports a broken source in-band (subscriptionSpec); an
    // incremental response must not end as if complete, so it breaks off.
    if (subscription) {
      return end(
        JSON.stringify({ payload: null, errors: [{ message: "subscription failed" }] }),
        sourceOpen,
      );
    }
    finish(sourceOpen);
    controller.error(error);
  }

  function onAbort(): void {
    if (done) return;
    if (subscription) end(closing, true);
    else fail(new Error("incremental response aborted by its signal"), true);
  }

  function onLeave(): void {
    if (done) return;
    finish(true);
    try {
      controller.close();
    } catch {
      // Already torn down by the server.
    }
  }

  function wait(step: Promise<IteratorResult<JsonObject>>) {
    if (heartbeat === 0) return step;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const beat = new Promise<typeof HEARTBEAT>((resolve) => {
      timer = setTimeout(resolve, heartbeat, HEARTBEAT);
    });
    return Promise.race([step, beat]).finally(() => clearTimeout(timer));
  }

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      config.waitUntil?.(settled);
      controller.enqueue(encoder.encode(`\r\n--${boundary}\r\n`));
      config.signal?.addEventListener("abort", onAbort);
      config.leave?.addEventListener("abort", onLeave);
      if (config.leave?.aborted) onLeave();
      else if (config.signal?.aborted) onAbort();
    },
    async pull() {
      if (done) return;
      let step: IteratorResult<JsonObject> | typeof HEARTBEAT;
      try {
        next ??= source.next();
        step = await wait(next);
      } catch (error) {
        return fail(error, false);
      }
      if (done) return;
      if (step === HEARTBEAT) return controller.enqueue(part("{}", false));
      next = undefined;
      if (step.done) return end(closing, false);
      let json: string;
      try {
        json = JSON.stringify(step.value);
      } catch (error) {
        return fail(error, true);
      }
      const last = !subscription && step.value.hasNext === false;
      if (!last) return controller.enqueue(part(json, false));
      end(json, true);
    },
    cancel() {
      if (!done) finish(true);
    },
  }, { highWaterMark: 0 });
}
