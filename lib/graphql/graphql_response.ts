/**
 * `graphqlResponse`: a GraphQL result as the HTTP response the client asked
 * for, with incremental delivery and subscriptions over `multipart/mixed`.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { type Converter, toIncremental, toLegacy } from "./convert.ts";
import { graphqlStream } from "./graphql_stream.ts";
import { checkOptions, type GraphQLResponseOptions, kindOf } from "./options.ts";
import { contentTypeOf, negotiate, notAcceptable } from "./negotiate.ts";
import { iteratorOf, payloadSource } from "./payload_source.ts";
import type { GraphQLResponseInput, GraphQLResult, JsonObject } from "./types.ts";

const BOUNDARY = "-";

/**
 * Answers a GraphQL request with `result` in the format its `Accept` asks
 * for. A single result goes out as `application/graphql-response+json` (status
 * 400 when it has no `data`: a request error) or `application/json`; the
 * incremental results of `@defer`/`@stream` as `multipart/mixed` in the 2022
 * format (`deferSpec=20220824`, also for a client naming no spec) or in
 * graphql-js 17's (`incrementalSpec=v0.2`), converted when the executor made
 * the other one; a subscription as `multipart/mixed;subscriptionSpec=1.0`
 * (`{ payload }` parts, `{}` heartbeats). A client that accepts no form of
 * the result gets a 406 saying what to send, and the execution is stopped.
 *
 * The response ends with the payload that says `hasNext: false`; when the
 * client leaves first, the results' `return()` is called at once, which
 * stops graphql-js's execution and runs a resolver generator's `finally`.
 *
 * @example `@defer` with graphql-js 17 on Deno
 * ```ts ignore
 * import { experimentalExecuteIncrementally, parse } from "graphql";
 * import { graphqlResponse } from "multipart-push/graphql";
 *
 * Deno.serve(async (request) => {
 *   const { query, variables } = await request.json();
 *   const result = await experimentalExecuteIncrementally({
 *     schema, document: parse(query), variableValues: variables,
 *   });
 *   return graphqlResponse(request, result);
 * });
 * ```
 *
 * @param request The request being answered: its `Accept` picks the format, its `signal` ends it.
 * @param result An awaited execution result, `{ initialResult, subsequentResults }`, or an `AsyncIterable` of results.
 * @param options See {@linkcode GraphQLResponseOptions}.
 * @returns The response, streaming when the result is.
 * @throws {TypeError|RangeError} on a bad argument, before anything is sent.
 */
export function graphqlResponse(
  request: Request,
  result: GraphQLResponseInput,
  options?: GraphQLResponseOptions,
): Response {
  if (!(request instanceof Request)) {
    throw new TypeError(`request must be a Request, got ${describe(request)}`);
  }
  const kind = kindOf(result);
  const { heartbeat, extra } = checkOptions(options, kind);
  options ??= {};
  const accept = request.headers.get("accept");
  const negotiated = negotiate(accept, kind);
  const headers = (contentType: string) => {
    const out = new Headers({ "Content-Type": contentType, "Cache-Control": "no-cache" });
    for (const [name, value] of extra) out.set(name, value);
    return out;
  };
  if (negotiated === null) {
    if (kind !== "single") stopResults(result, options.onError);
    return new Response(JSON.stringify({ errors: [{ message: notAcceptable(kind, accept) }] }), {
      status: 406,
      headers: headers("application/json; charset=utf-8"),
    });
  }
  const { format, named } = negotiated;
  if (format === "json" || format === "graphql-response+json") {
    const single = result as GraphQLResult;
    const status = format === "graphql-response+json" && single.data === undefined ? 400 : 200;
    return new Response(JSON.stringify(single), {
      status,
      headers: headers(contentTypeOf(format, BOUNDARY)),
    });
  }
  const response = headers(contentTypeOf(format, BOUNDARY));
  response.set("X-Accel-Buffering", "no");
  let first: JsonObject | undefined;
  let rest: AsyncIterator<JsonObject>;
  let convert: Converter = (payload) => payload;
  if (kind === "subscription") {
    rest = iteratorOf(result as AsyncIterable<JsonObject>);
    convert = (payload) => ({ payload });
  } else if (kind === "single") {
    first = { ...(result as JsonObject), hasNext: false };
    rest = emptyIterator;
  } else {
    const { initialResult, subsequentResults } = result as {
      initialResult: JsonObject;
      subsequentResults: AsyncIterator<JsonObject>;
    };
    first = initialResult;
    rest = iteratorOf(subsequentResults);
    const native = "pending" in initialResult ? "incremental" : "legacy";
    if (native !== format) convert = format === "legacy" ? toLegacy() : toIncremental();
  }
  const body = graphqlStream(payloadSource(first, rest, convert), {
    boundary: BOUNDARY,
    heartbeat: kind === "subscription" && !named ? 0 : heartbeat,
    subscription: kind === "subscription",
    signal: options.signal,
    leave: request.signal,
    onError: (error) => report(options.onError, error),
    waitUntil: options.waitUntil,
  });
  return new Response(body, { status: 200, headers: response });
}

const emptyIterator: AsyncIterator<JsonObject> = {
  next: () => Promise.resolve({ done: true, value: undefined }),
};

/** Stops results nobody will read (a 406), so the executor does not run on. */
function stopResults(
  result: GraphQLResponseInput,
  onError: ((error: unknown) => void) | undefined,
): void {
  try {
    const source = "subsequentResults" in result ? result.subsequentResults : result;
    const iterator = iteratorOf(source as AsyncIterable<JsonObject>);
    Promise.resolve(iterator.return?.()).catch((error) => report(onError, error));
  } catch (error) {
    report(onError, error);
  }
}

/** Hands an error to the user's callback; a callback that throws never takes the process down. */
function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // The callback is the user's; its own failure has nowhere further to go.
  }
}
