/**
 * The options of `graphqlResponse`, and the checks it makes on its
 * arguments before anything is sent.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import type { HeadersInit } from "../shared/web_types.ts";
import { abortSignal, hook, milliseconds, optionsObject } from "../shared/checks.ts";
import { mergeHeaders, SERVER_OWNED } from "../shared/header_fields.ts";
import type { ResultKind } from "./negotiate.ts";

/** Options of {@linkcode graphqlResponse}. */
export interface GraphQLResponseOptions {
  /**
   * Milliseconds without a payload after which a `{}` part is sent, so that
   * proxies and clients keep a quiet response open; `false` for none. A
   * subscription sends them only to a client that named
   * `subscriptionSpec=1.0` in `Accept`: others may not skip `{}` (urql fails
   * on a `{}` before the first event).
   * @default {5000 for subscriptions (Apollo Router's rate), false for `@defer`/`@stream`}
   */
  heartbeat?: number | false | undefined;
  /**
   * Ends the response: a subscription cleanly (a closing `{}` part), an
   * incremental one broken off (it is not complete). The client leaving
   * (`request.signal`, or the body being cancelled) ends it too.
   * @default {undefined} only the results' end or the client leaving ends it
   */
  signal?: AbortSignal | undefined;
  /**
   * Called with what went wrong when the results throw or cannot become JSON.
   * @default {undefined} errors only end the response
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Called once with a promise that settles when the response is over and
   * the results' `return()` has finished; on Cloudflare Workers pass
   * `(promise) => ctx.waitUntil(promise)`.
   * @default {undefined}
   */
  waitUntil?: ((promise: Promise<void>) => void) | undefined;
  /**
   * More response headers (CORS, say); not `Content-Type` or the server's length headers.
   * @default {undefined} `Content-Type` and `Cache-Control: no-cache` only
   */
  headers?: HeadersInit | undefined;
}

/**
 * Checks every option; returns the heartbeat interval (0: none) and the extra headers.
 *
 * @example
 * ```ts ignore
 * const { heartbeat, extra } = checkOptions({ heartbeat: 10_000 }, "subscription");
 * ```
 * @throws {TypeError|RangeError} on a bad option, naming it.
 */
export function checkOptions(
  options: GraphQLResponseOptions | undefined,
  kind: ResultKind,
): { heartbeat: number; extra: Headers } {
  options = optionsObject(options, "options");
  abortSignal(options.signal, "options.signal");
  hook(options.onError, "options.onError");
  hook(options.waitUntil, "options.waitUntil");
  const extra = mergeHeaders(
    new Headers(),
    options.headers,
    SERVER_OWNED,
    "options.headers",
    "graphqlResponse sets it",
  );
  const heartbeat = options.heartbeat === false ? 0 : milliseconds(
    options.heartbeat,
    kind === "subscription" ? 5000 : 0,
    "options.heartbeat",
    "false",
  );
  return { heartbeat, extra };
}

/**
 * Which kind of result `result` is.
 *
 * @example
 * ```ts ignore
 * kindOf({ data: {} }); // "single"
 * kindOf(await subscribe(args)); // "subscription"
 * ```
 * @throws {TypeError} when it is none.
 */
export function kindOf(result: unknown): ResultKind {
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw new TypeError(
      `result must be an execution result, { initialResult, subsequentResults } or an AsyncIterable, got ${
        describe(result)
      }`,
    );
  }
  if (typeof (result as PromiseLike<unknown>).then === "function") {
    throw new TypeError(
      "result must be awaited: got a Promise (graphql-js's execute functions may return one)",
    );
  }
  if (Symbol.asyncIterator in result) return "subscription";
  if (!("initialResult" in result || "subsequentResults" in result)) return "single";
  const { initialResult, subsequentResults } = result as Record<string, unknown>;
  if (typeof initialResult !== "object" || initialResult === null) {
    throw new TypeError(`result.initialResult must be an object, got ${describe(initialResult)}`);
  }
  const rest = subsequentResults as Partial<AsyncIterator<unknown> & AsyncIterable<unknown>>;
  if (
    typeof rest !== "object" || rest === null ||
    (typeof rest.next !== "function" && typeof rest[Symbol.asyncIterator] !== "function")
  ) {
    throw new TypeError(
      `result.subsequentResults must be an AsyncIterable or AsyncIterator, got ${describe(rest)}`,
    );
  }
  return "incremental";
}
