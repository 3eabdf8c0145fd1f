/**
 * Conversion between the two incremental delivery formats, for a client that
 * asks for the one the executor did not produce.
 *
 * graphql-js 17 → 2022 (`incrementalSpec=v0.2` → `deferSpec=20220824`) is
 * lossless for what a 2022 client reads: each entry gets back its `path` and
 * `label` from its `pending` announcement, streamed items the index of their
 * first item (kept by merging the payloads as they pass, so this costs the
 * result's size in memory for the length of the response). A fragment that
 * `completed` with errors becomes an entry with `data: null` (or
 * `items: null`) and those errors. What is lost: the `pending` list itself
 * (a 2022 client cannot know what is outstanding), and fields the newer
 * format does not repeat are not repeated (a 2022 client has them already).
 *
 * 2022 → graphql-js 17 (`deferSpec=20220824` → `incrementalSpec=v0.2`) is
 * lossy: the 2022 format never announces what is outstanding, so each
 * deferred fragment is announced (`pending`), delivered and `completed` in
 * the same payload, and the initial payload says `pending: []`. A stream
 * cannot be announced late (Apollo Client's `GraphQL17Alpha9Handler` places
 * items by a stream's `pending` in the initial payload, and drops them
 * otherwise), so each batch of streamed items goes out as deferred data of
 * the list's parent carrying the whole list so far: every client reads it,
 * at the cost of resending earlier items (quadratic bytes for a long stream)
 * and of holding the merged result in memory. A failed entry (`data: null`
 * or `items: null`) becomes a `completed` entry with its errors.
 *
 * @module
 */

import { applyIncremental, at } from "./apply_incremental.ts";
import type { GraphQLResult, JsonObject, ResultPath } from "./types.ts";

/** Turns one payload into its converted form; `undefined` drops it (nothing left to say). */
export type Converter = (payload: JsonObject) => JsonObject | undefined;

/**
 * A converter from graphql-js 17's format to the 2022 one, for one response.
 *
 * @example
 * ```ts ignore
 * const convert = toLegacy();
 * for await (const payload of subsequentResults) {
 *   const legacy = convert(payload);
 *   if (legacy !== undefined) send(legacy);
 * }
 * ```
 */
export function toLegacy(): Converter {
  const merged: GraphQLResult = {};
  const announced = new Map<string, { path: ResultPath; label?: string | undefined }>();
  return (payload) => {
    if (!("incremental" in payload || "completed" in payload || "pending" in payload)) {
      applyIncremental(merged, payload);
      return payload;
    }
    const { pending, incremental, completed, ...rest } = payload;
    for (const entry of entries(pending)) {
      announced.set(String(entry.id), {
        path: entry.path as ResultPath,
        label: entry.label as string,
      });
    }
    applyIncremental(merged, { ...rest, pending });
    const out: JsonObject[] = [];
    for (const entry of entries(incremental)) {
      const source = announced.get(String(entry.id));
      if (!source) continue;
      const { id: _, subPath, items, data, ...extra } = entry;
      const label = source.label === undefined ? {} : { label: source.label };
      if (Array.isArray(items)) {
        const start = (at(merged.data, source.path) as unknown[] | undefined)?.length ?? 0;
        out.push({ items, path: [...source.path, start], ...label, ...extra });
      } else {
        const path = [...source.path, ...(Array.isArray(subPath) ? subPath : [])];
        out.push({ data, path, ...label, ...extra });
      }
      applyIncremental(merged, { incremental: [entry] });
    }
    for (const entry of entries(completed)) {
      const source = announced.get(String(entry.id));
      announced.delete(String(entry.id));
      if (!source || !Array.isArray(entry.errors)) continue;
      const label = source.label === undefined ? {} : { label: source.label };
      const list = at(merged.data, source.path);
      out.push(
        Array.isArray(list)
          ? { items: null, path: [...source.path, list.length], ...label, errors: entry.errors }
          : { data: null, path: source.path, ...label, errors: entry.errors },
      );
    }
    applyIncremental(merged, { completed });
    const empty = !("data" in rest) && rest.hasNext !== false && rest.extensions === undefined;
    if (out.length === 0 && empty) return;
    return out.length === 0 ? rest : { ...rest, incremental: out };
  };
}

/**
 * A converter from the 2022 format to graphql-js 17's, for one response. Each
 * entry is announced, delivered and completed in one payload; streamed items
 * go out as deferred data carrying the list so far (kept by merging the
 * payloads as they pass), since a stream announced late cannot be placed.
 *
 * @example
 * ```ts ignore
 * const convert = toIncremental();
 * convert({ data: { user: { id: "1" } }, hasNext: true }); // ... pending: []
 * convert({ incremental: [{ data: { name: "Ada" }, path: ["user"] }], hasNext: false });
 * // { hasNext: false, pending: [{ id: "0", path: ["user"] }],
 * //   incremental: [{ id: "0", data: { name: "Ada" } }], completed: [{ id: "0" }] }
 * ```
 */
export function toIncremental(): Converter {
  let next = 0;
  const merged: GraphQLResult = {};
  return (payload) => {
    applyIncremental(merged, payload);
    if (!("incremental" in payload)) {
      return payload.hasNext === true ? { ...payload, pending: [] } : payload;
    }
    const { incremental, ...rest } = payload;
    const pending: JsonObject[] = [];
    const out: JsonObject[] = [];
    const completed: JsonObject[] = [];
    for (const entry of entries(incremental)) {
      const { path, label, items, data, errors, ...extra } = entry;
      let where = (Array.isArray(path) ? path : []) as ResultPath;
      let delivered = data;
      if ("items" in entry) {
        const list = where.slice(0, -1);
        where = list.slice(0, -1);
        delivered = items === null ? null : { [String(list.at(-1))]: at(merged.data, list) };
      }
      const id = String(next++);
      const withErrors = errors === undefined ? {} : { errors };
      pending.push(label === undefined ? { id, path: where } : { id, path: where, label });
      if (delivered === null || delivered === undefined) completed.push({ id, ...withErrors });
      else {
        out.push({ id, data: delivered, ...withErrors, ...extra });
        completed.push({ id });
      }
    }
    const converted: JsonObject = { ...rest, pending };
    if (out.length) converted.incremental = out;
    return { ...converted, completed };
  };
}

function entries(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value : [];
}
