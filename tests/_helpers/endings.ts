/**
 * The ways a replace push ends (issue 19), for both engines that put one on the wire: a push of
 * `parts` made by `pushResponse` or by a one-viewer `PushHub`, for `request` (or none), that ends
 * as named. The ending × client tables (tests/hub/ending.test.ts for the decoder and media
 * readers, tests/browser/ending.test.ts for the browsers) build every push here.
 */
import { pushResponse } from "../../lib/push/response.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import type { Part } from "../../lib/push/part.ts";
import { delay } from "./streams.ts";

/** How the push ends, measured from its last part. */
export type EndingName =
  | "source ends at once"
  | "source ends a turn later"
  | "source ends 400 ms later"
  | "signal abort"
  | "maxDuration"
  | "idleTimeout"
  | "hub.close()";

/** Every ending, in table order. */
export const ENDINGS: readonly EndingName[] = [
  "source ends at once",
  "source ends a turn later",
  "source ends 400 ms later",
  "signal abort",
  "maxDuration",
  "idleTimeout",
  "hub.close()",
];

/** What writes the push. */
export type Via = "pushResponse" | "PushHub";

/** Milliseconds from the last part to an abort, a `hub.close()`, a timeout. */
const AFTER = 150;

/**
 * The push of `parts`, `gap` ms apart, ending as `ending` says. `request` goes to the engine as
 * is (`undefined`: the design card's `pushResponse(iter)`, `hub.response()`). Returns `undefined`
 * for an ending the engine does not have: "hub.close()" with `pushResponse`, and "signal abort"
 * with a hub and no request (a hub viewer's only signal is its request's). `delivered` gets the
 * index of each part whose body went out on the response, in order: on a busy machine a deadline
 * may come before the last part is sent (or while the source is still producing it), and the
 * ending must then keep the last part that was sent. `onEnd` is called when the response's body
 * has been sent whole: what a client shows from then on is what the ending left.
 */
export function endingResponse(
  ending: EndingName,
  via: Via,
  parts: readonly Part[],
  gap: number,
  request: Request | undefined,
  delivered: number[] = [],
  onEnd = (): void => {},
): Response | undefined {
  if (!hasEnding(ending, via, request !== undefined)) return undefined;
  const last = (parts.length - 1) * gap;
  const abort = new AbortController();
  // The source: the parts, then its tail; for the other endings a wait well past them (not
  // forever: a stopped generator stuck in an await would keep the process alive).
  const tail = ending === "source ends at once"
    ? -1
    : ending === "source ends a turn later"
    ? 0
    : ending === "source ends 400 ms later"
    ? 400
    : AFTER + 450;
  async function* source(): AsyncGenerator<Part> {
    for (const [i, part] of parts.entries()) {
      if (i > 0) await delay(gap);
      yield part;
    }
    if (tail >= 0) await delay(tail);
  }
  const options = {
    maxDuration: ending === "maxDuration" ? last + AFTER : undefined,
    idleTimeout: ending === "idleTimeout" ? gap + AFTER : undefined,
  };
  const timers: ReturnType<typeof setTimeout>[] = [];
  if (ending === "signal abort") timers.push(setTimeout(() => abort.abort(), last + AFTER));
  if (via === "pushResponse") {
    return watched(
      pushResponse(source(), { ...options, request, signal: abort.signal }),
      parts,
      delivered,
      onEnd,
    );
  }
  const hub = PushHub.from(source, { ...options, keepAlive: Infinity, linger: 0 });
  // The hub ends a viewer on its request's signal: the abort is the request's.
  // (A new Request from the parts, not `new Request(request, …)`: a server's own Request class
  // need not be the global one.)
  const viewer = ending === "signal abort"
    ? new Request(request!.url, { headers: request!.headers, signal: abort.signal })
    : request;
  if (ending === "hub.close()") timers.push(setTimeout(() => hub.close(), last + AFTER));
  // The hub is closed once its viewer has gone, whatever the ending (stops the waiting source).
  return watched(hub.response(viewer), parts, delivered, () => {
    for (const timer of timers) clearTimeout(timer);
    hub.close();
    onEnd();
  });
}

/**
 * `response` with its body passed through unchanged, noting in `delivered` each part whose body
 * goes out (every framing sends a body whole, in one chunk), and calling `done` at its end.
 */
function watched(
  response: Response,
  parts: readonly Part[],
  delivered: number[],
  done = (): void => {},
): Response {
  const bodies = parts.map((part) =>
    typeof part.body === "string" ? new TextEncoder().encode(part.body) : part.body as Uint8Array
  );
  const body = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bodies.forEach((bytes, i) => {
          if (i > (delivered.at(-1) ?? -1) && holds(chunk, bytes)) delivered.push(i);
        });
        controller.enqueue(chunk);
      },
      flush: done,
    }),
  );
  return new Response(body, response);
}

/** Whether `bytes` occurs in `chunk`. */
function holds(chunk: Uint8Array, bytes: Uint8Array): boolean {
  outer: for (let at = 0; at + bytes.length <= chunk.length; at++) {
    for (let j = 0; j < bytes.length; j++) if (chunk[at + j] !== bytes[j]) continue outer;
    return true;
  }
  return false;
}

/** Whether an engine has `ending` (see {@linkcode endingResponse}). */
export function hasEnding(ending: EndingName, via: Via, request: boolean): boolean {
  if (via === "pushResponse") return ending !== "hub.close()";
  return ending !== "signal abort" || request;
}
