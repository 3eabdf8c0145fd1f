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
 * with a hub and no request (a hub viewer's only signal is its request's). `yielded` gets the
 * index of each part as the source yields it: a deadline may come before the last one on a busy
 * machine, and the ending must then keep the last part that was sent.
 */
export function endingResponse(
  ending: EndingName,
  via: Via,
  parts: readonly Part[],
  gap: number,
  request: Request | undefined,
  yielded: number[] = [],
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
      yielded.push(i);
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
    return pushResponse(source(), { ...options, request, signal: abort.signal });
  }
  const hub = PushHub.from(source, { ...options, keepAlive: Infinity, linger: 0 });
  // The hub ends a viewer on its request's signal: the abort is the request's.
  // (A new Request from the parts, not `new Request(request, …)`: a server's own Request class
  // need not be the global one.)
  const viewer = ending === "signal abort"
    ? new Request(request!.url, { headers: request!.headers, signal: abort.signal })
    : request;
  if (ending === "hub.close()") timers.push(setTimeout(() => hub.close(), last + AFTER));
  const response = hub.response(viewer);
  // The hub is closed once its viewer has gone, whatever the ending (stops the waiting source).
  const body = response.body!.pipeThrough(
    new TransformStream({
      flush: () => {
        for (const timer of timers) clearTimeout(timer);
        hub.close();
      },
    }),
  );
  return new Response(body, response);
}

/** Whether an engine has `ending` (see {@linkcode endingResponse}). */
export function hasEnding(ending: EndingName, via: Via, request: boolean): boolean {
  if (via === "pushResponse") return ending !== "hub.close()";
  return ending !== "signal abort" || request;
}
