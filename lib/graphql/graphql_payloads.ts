/**
 * The client side: the payloads of a GraphQL response, multipart or not, as
 * they arrive, for a script that has no GraphQL client library.
 *
 * @module
 */

import { parseParts } from "../parse/parse_parts.ts";
import { describeValue as describe } from "../shared/describe.ts";
import type { JsonObject } from "./types.ts";

/** Options of {@linkcode graphqlPayloads}. */
export interface GraphQLPayloadsOptions {
  /**
   * Aborting it stops the iteration with the signal's reason and cancels the body.
   * @default {undefined} the iteration runs until the body ends
   */
  signal?: AbortSignal | undefined;
  /**
   * Longest payload in bytes.
   * @default 16777216 (16 MiB)
   */
  maxPartSize?: number | undefined;
}

/**
 * Yields each payload of a GraphQL response as parsed JSON, as soon as it has
 * arrived: the one result of a JSON response, or each part of a
 * `multipart/mixed` one (`@defer`/`@stream` in either incremental format, or
 * a subscription). Heartbeats (`{}`) are skipped; subscription events
 * (`{ payload }`) are unwrapped, and a `{ payload: null, errors }` event
 * yields `{ errors }` and ends. The iteration ends after `hasNext: false`.
 * Merge the payloads with `applyIncremental`.
 *
 * @example Print each payload of a `@defer` query
 * ```ts ignore
 * import { graphqlPayloads } from "multipart-push/graphql";
 *
 * const response = await fetch("http://127.0.0.1:8000/graphql", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "multipart/mixed, application/json" },
 *   body: JSON.stringify({ query: "{ user { id ... @defer { name } } }" }),
 * });
 * for await (const payload of graphqlPayloads(response)) console.log(payload);
 * ```
 *
 * @param response The response of a GraphQL request.
 * @param options See {@linkcode GraphQLPayloadsOptions}.
 * @returns An async iterator of payloads.
 * @throws {TypeError} at once on a `response` that is not a Response; while
 * iterating, an `Error` when the response is neither JSON nor multipart, and
 * `MultipartParseError` on broken multipart bytes.
 */
export function graphqlPayloads(
  response: Response,
  options?: GraphQLPayloadsOptions,
): AsyncGenerator<JsonObject, void, undefined> {
  if (!(response instanceof Response)) {
    throw new TypeError(`response must be a Response, got ${describe(response)}`);
  }
  const contentType = response.headers.get("content-type") ?? "";
  if (/^\s*multipart\//i.test(contentType)) {
    return multipartPayloads(response, options);
  }
  return jsonPayload(response, contentType);
}

async function* multipartPayloads(
  response: Response,
  options: GraphQLPayloadsOptions | undefined,
): AsyncGenerator<JsonObject, void, undefined> {
  const parts = parseParts(response, {
    signal: options?.signal,
    maxPartSize: options?.maxPartSize,
  });
  for await (const part of parts) {
    const payload = part.json() as JsonObject;
    if (typeof payload !== "object" || payload === null || Object.keys(payload).length === 0) {
      continue;
    }
    if ("payload" in payload) {
      if (payload.payload === null || typeof payload.payload !== "object") {
        yield { errors: (payload.errors ?? []) as unknown[] };
        return;
      }
      yield payload.payload as JsonObject;
      continue;
    }
    yield payload;
    if (payload.hasNext === false) return;
  }
}

async function* jsonPayload(
  response: Response,
  contentType: string,
): AsyncGenerator<JsonObject, void, undefined> {
  if (!/json/i.test(contentType)) {
    await response.body?.cancel();
    throw new Error(
      `response is not a GraphQL response: status ${response.status}, Content-Type ${
        JSON.stringify(contentType)
      }`,
    );
  }
  yield await response.json() as JsonObject;
}
