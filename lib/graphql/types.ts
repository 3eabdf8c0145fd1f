/**
 * The shapes of GraphQL results, typed structurally so that this module needs
 * no `graphql` package: graphql-js's own objects fit them.
 *
 * @module
 */

/** A JSON object: a payload, a result, `data`. */
export type JsonObject = Record<string, unknown>;

/** A path into `data`: field names and list indexes. */
export type ResultPath = readonly (string | number)[];

/**
 * One GraphQL execution result (the single response of a query, one event of
 * a subscription). graphql-js's `ExecutionResult` fits it; its errors become
 * JSON through their `toJSON`.
 *
 * @example
 * ```ts
 * import type { GraphQLResult } from "multipart-push/graphql";
 *
 * const result: GraphQLResult = { data: { user: { id: "1" } } };
 * ```
 */
export interface GraphQLResult {
  /** The result's data; `null` after a field error reached the root, absent after a request error. */
  data?: JsonObject | null | undefined;
  /** What went wrong, as the GraphQL spec formats errors. */
  errors?: readonly unknown[] | undefined;
  /** The server's extensions. */
  extensions?: JsonObject | undefined;
  /** Incremental delivery: whether more payloads follow. */
  hasNext?: boolean | undefined;
}

/**
 * What graphql-js's `experimentalExecuteIncrementally` and
 * `legacyExecuteIncrementally` return when the operation has `@defer` or
 * `@stream`: the first payload and the rest as they are ready.
 *
 * @example
 * ```ts
 * import type { IncrementalResults } from "multipart-push/graphql";
 *
 * async function* rest() {
 *   yield { incremental: [{ data: { name: "Ada" }, path: ["user"] }], hasNext: false };
 * }
 * const results: IncrementalResults = {
 *   initialResult: { data: { user: { id: "1" } }, hasNext: true },
 *   subsequentResults: rest(),
 * };
 * ```
 */
export interface IncrementalResults {
  /** The first payload (`hasNext: true`). */
  initialResult: GraphQLResult;
  /** The later payloads; the last says `hasNext: false`. */
  subsequentResults: AsyncIterable<object> | AsyncIterator<object>;
}

/**
 * What `graphqlResponse` serves: a single result, the incremental results of
 * a `@defer`/`@stream` operation, or the events of a subscription (what
 * graphql-js's `subscribe` returns).
 */
export type GraphQLResponseInput =
  | GraphQLResult
  | IncrementalResults
  | AsyncIterable<GraphQLResult>;

/**
 * A wire format `graphqlResponse` can answer in:
 * - `"graphql-response+json"`, `"json"`: one JSON result;
 * - `"legacy"`: `multipart/mixed;deferSpec=20220824`, the 2022 incremental format
 *   (`incremental: [{ data | items, path }]`);
 * - `"incremental"`: `multipart/mixed;incrementalSpec=v0.2`, graphql-js 17's format
 *   (`pending`, `incremental: [{ id, data | items }]`, `completed`);
 * - `"subscription"`: `multipart/mixed;subscriptionSpec=1.0`, each event as
 *   `{ payload }`, `{}` heartbeats.
 */
export type GraphQLWireFormat =
  | "graphql-response+json"
  | "json"
  | "legacy"
  | "incremental"
  | "subscription";
