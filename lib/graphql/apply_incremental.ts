/**
 * Merging incremental payloads into one result, for either format: the 2022
 * one (`incremental: [{ data | items, path }]`) and graphql-js 17's
 * (`pending`, `incremental: [{ id, data | items, subPath }]`, `completed`).
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import type { GraphQLResult, JsonObject, ResultPath } from "./types.ts";

interface Pending {
  path: ResultPath;
  label?: string;
}

/** The `pending` announcements of each result being merged, by id. */
const pendingOf = new WeakMap<object, Map<string, Pending>>();

/**
 * Merges one payload into `result` and returns it: the initial result, a
 * subsequent payload of either incremental format, or a subscription event
 * (`{ payload }`, which replaces `data`). Errors of entries and of failed
 * `completed` fragments are appended to `result.errors` (one array, grown in
 * place); `hasNext` is copied. Deferred data is merged deeply; streamed items
 * go to their index.
 *
 * Only own properties are followed and written: a path or a key named
 * `__proto__`, `constructor` or `prototype` never reaches a prototype. Data
 * holding such a key (as `JSON.parse` makes it) keeps it as data; an entry
 * whose path does not lead to an object (or, for items, to a list and an index
 * no further than its end) is skipped, like one whose parent is `null`.
 *
 * @example Read a `@defer` response without a GraphQL client
 * ```ts ignore
 * import { applyIncremental, graphqlPayloads } from "multipart-push/graphql";
 *
 * const response = await fetch("http://127.0.0.1:8000/graphql", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "multipart/mixed" },
 *   body: JSON.stringify({ query: "{ user { id ... @defer { name } } }" }),
 * });
 * const result = {};
 * for await (const payload of graphqlPayloads(response)) applyIncremental(result, payload);
 * ```
 *
 * @param result The result so far (start with `{}`); changed in place.
 * @param payload The next payload, as parsed JSON.
 * @returns `result`.
 * @throws {TypeError} when `result` or `payload` is not an object.
 */
export function applyIncremental(result: GraphQLResult, payload: JsonObject): GraphQLResult {
  if (typeof result !== "object" || result === null) {
    throw new TypeError(`result must be an object (start with {}), got ${describe(result)}`);
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new TypeError(`payload must be a JSON object, got ${describe(payload)}`);
  }
  if ("payload" in payload) return applyEvent(result, payload);
  let pending = pendingOf.get(result);
  if (!pending) pendingOf.set(result, pending = new Map());
  if ("data" in payload) result.data = merge(result.data, payload.data) as JsonObject | null;
  addErrors(result, payload.errors);
  addExtensions(result, payload.extensions);
  for (const entry of list(payload.pending)) {
    const path = (Array.isArray(entry.path) ? entry.path : []) as ResultPath;
    pending.set(String(entry.id), { path, label: entry.label as string });
  }
  for (const entry of list(payload.incremental)) applyEntry(result, entry, pending);
  for (const entry of list(payload.completed)) {
    addErrors(result, entry.errors);
    pending.delete(String(entry.id));
  }
  if (typeof payload.hasNext === "boolean") result.hasNext = payload.hasNext;
  return result;
}

/** A `subscriptionSpec` event: `{ payload }`, or `{ payload: null, errors }` that ends it. */
function applyEvent(result: GraphQLResult, event: JsonObject): GraphQLResult {
  const payload = event.payload as JsonObject | null;
  if (payload) {
    result.data = (payload.data ?? null) as JsonObject | null;
    if (payload.errors) result.errors = payload.errors as unknown[];
    else delete result.errors;
    addExtensions(result, payload.extensions);
  }
  addErrors(result, event.errors);
  return result;
}

function applyEntry(result: GraphQLResult, entry: JsonObject, pending: Map<string, Pending>): void {
  addErrors(result, entry.errors);
  addExtensions(result, entry.extensions);
  let path: ResultPath;
  if (Array.isArray(entry.path)) {
    path = entry.path;
  } else {
    const announced = pending.get(String(entry.id));
    if (!announced) return;
    path = [...announced.path, ...list(entry.subPath)] as ResultPath;
  }
  if (Array.isArray(entry.items)) {
    // The 2022 format names the first item's index; the newer one appends to the list.
    const legacy = Array.isArray(entry.path);
    const target = at(result.data, legacy ? path.slice(0, -1) : path);
    if (!Array.isArray(target)) return;
    const start = legacy ? Number(path[path.length - 1]) : target.length;
    // Past the end would leave holes, and a huge index a list no one can serialize.
    if (!Number.isInteger(start) || start < 0 || start > target.length) return;
    entry.items.forEach((item, i) => (target[start + i] = merge(target[start + i], item)));
  } else if (entry.data !== undefined && entry.data !== null) {
    if (path.length === 0) result.data = merge(result.data, entry.data) as JsonObject;
    else {
      const target = at(result.data, path);
      if (isObject(target)) merge(target, entry.data);
    }
  }
}

/**
 * Deep merge: objects key by key (own keys, each defined as an own property,
 * so `__proto__` is a key like any other), arrays index by index, anything
 * else replaced.
 */
function merge(into: unknown, from: unknown): unknown {
  if (Array.isArray(into) && Array.isArray(from)) {
    from.forEach((value, i) => (into[i] = merge(into[i], value)));
    return into;
  }
  if (isObject(into) && isObject(from)) {
    for (const key of Object.keys(from)) {
      define(into, key, merge(Object.hasOwn(into, key) ? into[key] : undefined, from[key]));
    }
    return into;
  }
  return from;
}

/** Sets `object[key]` as an own data property: never a setter, never the prototype. */
function define(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * The value at `path` in `data`, or undefined where the path breaks off (a
 * null parent, a key that is not an own property: never a prototype).
 *
 * @example
 * ```ts ignore
 * at({ user: { friends: ["Ada"] } }, ["user", "friends", 0]); // "Ada"
 * at({ user: null }, ["user", "name"]); // undefined
 * ```
 */
export function at(data: unknown, path: ResultPath): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/**
 * The `errors` arrays and `extensions` objects this module made, and so may
 * grow in place: a copy per payload made N payloads cost O(N²). One it did not
 * make (the caller's, or a subscription event's) is copied once first.
 */
const grown = new WeakSet<object>();

function addErrors(result: GraphQLResult, errors: unknown): void {
  if (!Array.isArray(errors) || errors.length === 0) return;
  let into = result.errors as unknown[] | undefined;
  if (into === undefined || !grown.has(into)) {
    result.errors = into = [...(into ?? [])];
    grown.add(into);
  }
  for (const error of errors) into.push(error);
}

function addExtensions(result: GraphQLResult, extensions: unknown): void {
  if (!isObject(extensions)) return;
  let into = result.extensions;
  if (into === undefined || !grown.has(into)) {
    result.extensions = into = { ...into };
    grown.add(into);
  }
  for (const key of Object.keys(extensions)) define(into, key, extensions[key]);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value : [];
}
