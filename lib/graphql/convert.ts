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
 * the same payload, and a stream is announced with its first items and
 * completed with the last payload. A client that needs a stream announced in
 * the initial payload to place its items (Apollo Client's
 * `GraphQL17Alpha9Handler`) cannot read converted `@stream`s; converted
 * `@defer`s it reads.
 *
 * @module
 */

import { applyIncremental, at } from "./apply_incremental.ts";
import type { GraphQLResult, JsonObject, ResultPath } from "./types.ts";

/** Turns one payload into its converted form; `undefined` drops it (nothing left to say). */
export type Converter = (payload: JsonObject) => JsonObject | undefined;

/** A converter from graphql-js 17's format to the 2022 one, for one response. */
export function toLegacy(): Converter {
  const merged: GraphQLResult = {};
  const announced = new Map<string, { path: ResultPath; label?: string }>();
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

/** A converter from the 2022 format to graphql-js 17's, for one response. */
export function toIncremental(): Converter {
  let next = 0;
  const streams = new Map<string, string>();
  return (payload) => {
    if (!("incremental" in payload) && !("path" in payload)) {
      if (payload.hasNext === true) return { ...payload, pending: [] };
      return closeStreams(payload, []);
    }
    const { incremental, ...rest } = payload;
    const pending: JsonObject[] = [];
    const out: JsonObject[] = [];
    const completed: JsonObject[] = [];
    for (const entry of entries(incremental)) {
      const { path, label, items, data, errors, ...extra } = entry;
      const where = Array.isArray(path) ? path : [];
      const named = label === undefined ? {} : { label };
      const withErrors = errors === undefined ? {} : { errors };
      if ("items" in entry) {
        const listPath = where.slice(0, -1);
        const key = JSON.stringify([listPath, label]);
        let id = streams.get(key);
        if (id === undefined) {
          streams.set(key, id = String(next++));
          pending.push({ id, path: listPath, ...named });
        }
        if (Array.isArray(items)) out.push({ id, items, ...withErrors, ...extra });
        else {
          completed.push({ id, ...withErrors });
          streams.delete(key);
        }
      } else {
        const id = String(next++);
        pending.push({ id, path: where, ...named });
        if (data !== null && data !== undefined) out.push({ id, data, ...withErrors, ...extra });
        completed.push(data === null ? { id, ...withErrors } : { id });
      }
    }
    const converted: JsonObject = { ...rest };
    if (pending.length) converted.pending = pending;
    if (out.length) converted.incremental = out;
    return closeStreams(converted, completed);
  };

  /** On the last payload, every stream still open is completed. */
  function closeStreams(payload: JsonObject, completed: JsonObject[]): JsonObject {
    if (payload.hasNext === false) {
      for (const id of streams.values()) completed.push({ id });
      streams.clear();
    }
    return completed.length ? { ...payload, completed } : payload;
  }
}

function entries(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value : [];
}
