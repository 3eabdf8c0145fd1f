/**
 * GraphQL incremental delivery (`@defer`, `@stream`) and subscriptions over
 * `multipart/mixed`, negotiated from `Accept`, for every client: Apollo Client,
 * urql, Relay with meros or fetch-multipart-graphql, and scripts with
 * {@linkcode graphqlPayloads}. Typed structurally: no dependency on `graphql`.
 *
 * - {@linkcode graphqlResponse}: a result (single, incremental or subscription) as a `Response`.
 * - {@linkcode graphqlPayloads}: the payloads of such a response, as they arrive.
 * - {@linkcode applyIncremental}: merges payloads of either incremental format into one result.
 *
 * @example Serve graphql-js 17's `@defer`/`@stream` on Deno
 * ```ts ignore
 * import { experimentalExecuteIncrementally, parse } from "graphql";
 * import { graphqlResponse } from "multipart-push/graphql";
 *
 * Deno.serve(async (request) => {
 *   const { query } = await request.json();
 *   const result = await experimentalExecuteIncrementally({ schema, document: parse(query) });
 *   return graphqlResponse(request, result);
 * });
 * ```
 *
 * @module
 */

export { graphqlResponse } from "./graphql_response.ts";
export type { GraphQLResponseOptions } from "./options.ts";
export type { HeadersInit } from "../shared/web_types.ts";
export { graphqlPayloads, type GraphQLPayloadsOptions } from "./graphql_payloads.ts";
export { applyIncremental } from "./apply_incremental.ts";
export type {
  GraphQLResponseInput,
  GraphQLResult,
  GraphQLWireFormat,
  IncrementalResults,
  JsonObject,
  ResultPath,
} from "./types.ts";
