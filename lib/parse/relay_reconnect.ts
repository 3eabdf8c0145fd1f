/**
 * A relay that heals: when the upstream (a camera) drops, ends, refuses or
 * answers an error, it connects again after a wait that doubles per failed
 * try, with jitter, up to a cap; a part received resets the wait. Whoever is
 * fed meanwhile (a `PushHub`'s viewers) simply keeps the last frame.
 *
 * @module
 */

import { backoffMs } from "../shared/backoff.ts";
import { contained } from "../shared/contained.ts";
import { parseParts, type ParsePartsOptions } from "./parse_parts.ts";
import type { ReceivedPart } from "./received_part.ts";

/** Opens the upstream once; called again for each reconnection. */
export type Connect = (signal: AbortSignal | undefined) => Response | Promise<Response>;

/** When and why the relay connects again. */
export interface ReconnectInfo {
  /** Reconnections in a row without a part in between, this one included. */
  attempt: number;
  /** What ended the last connection (`undefined`: the upstream ended cleanly). */
  error: unknown;
  /** How long the relay waits before connecting. */
  waitMs: number;
}

/** Reconnection settings, already checked. */
export interface ReconnectPlan {
  retryMs: number;
  maxRetryMs: number;
  onReconnect: ((info: ReconnectInfo) => void) | undefined;
  /** Told about each part `publish` refused (never throws). */
  report: (error: unknown) => void;
}

/**
 * Reads parts from `parts` into `deliver`, counting them in `counter`. A part
 * `deliver` refuses (it throws: a hub refuses a body holding its boundary) is
 * reported to `report` and skipped; the upstream goes on.
 *
 * @example
 * ```ts ignore
 * await deliverAll(parseParts(response), (part) => hub.publish(part), { count: 0 }, console.error);
 * ```
 */
export async function deliverAll(
  parts: AsyncIterableIterator<ReceivedPart>,
  deliver: (part: ReceivedPart) => unknown,
  counter: { count: number },
  report: (error: unknown) => void,
): Promise<void> {
  for await (const part of parts) {
    try {
      const result = deliver(part);
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") await result;
    } catch (error) {
      report(error);
      continue;
    }
    counter.count++;
  }
}

/**
 * Connects once and returns the upstream's parts; an error status is refused
 * (its body cancelled, so the connection is not held open).
 *
 * @example
 * ```ts ignore
 * for await (const part of await connectOnce((signal) => fetch(url, { signal }), {})) {}
 * ```
 * @throws {Error} naming the status, when the upstream answers one that is not 2xx.
 */
export async function connectOnce(
  connect: Connect,
  options: ParsePartsOptions,
): Promise<AsyncIterableIterator<ReceivedPart>> {
  const response = await connect(options.signal);
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`relay: the upstream answered ${response.status}`);
  }
  return parseParts(response, options);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Relays from `connect` until `options.signal` aborts, then resolves with the
 * count; a part `deliver` refuses is reported and skipped.
 *
 * @example
 * ```ts ignore
 * const plan = { retryMs: 1000, maxRetryMs: 30000, onReconnect: undefined, report: console.error };
 * await reconnecting(() => fetch(url), deliver, {}, plan);
 * ```
 */
export async function reconnecting(
  connect: Connect,
  deliver: (part: ReceivedPart) => unknown,
  options: ParsePartsOptions,
  plan: ReconnectPlan,
): Promise<number> {
  const signal = options.signal;
  const counter = { count: 0 };
  const onReconnect = contained(plan.onReconnect);
  let attempt = 0;
  while (!signal?.aborted) {
    let error: unknown;
    const before = counter.count;
    try {
      await deliverAll(await connectOnce(connect, options), deliver, counter, plan.report);
    } catch (caught) {
      error = caught;
    }
    if (signal?.aborted) break;
    if (counter.count > before) attempt = 0;
    const waitMs = backoffMs(plan.retryMs, plan.maxRetryMs, attempt);
    attempt++;
    // A throwing callback must not stop the relay.
    onReconnect({ attempt, error, waitMs });
    await sleep(waitMs, signal);
  }
  return counter.count;
}
