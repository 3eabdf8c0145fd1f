/**
 * The payloads of one response as one async iterator: the initial result
 * followed by the rest, converted if need be. Written as plain iterator
 * objects, not async generators: a generator's `return()` waits until its
 * pending `next()` settles, so a client leaving mid-`@stream` would not stop
 * the executor until the next item; these forward `return()` at once.
 *
 * @module
 */

import type { Converter } from "./convert.ts";
import type { JsonObject } from "./types.ts";

/** An async iterator whose `return()` is always there. */
export type PayloadSource = AsyncIterator<JsonObject> & {
  return(): Promise<IteratorResult<JsonObject>>;
};

const DONE: IteratorResult<JsonObject> = { done: true, value: undefined };

/**
 * Opens an `AsyncIterable` or passes an `AsyncIterator` through.
 *
 * @example
 * ```ts ignore
 * const rest = iteratorOf(result.subsequentResults);
 * ```
 */
export function iteratorOf(
  source: AsyncIterable<JsonObject> | AsyncIterator<JsonObject>,
): AsyncIterator<JsonObject> {
  const iterable = source as AsyncIterable<JsonObject>;
  return typeof iterable[Symbol.asyncIterator] === "function"
    ? iterable[Symbol.asyncIterator]()
    : source as AsyncIterator<JsonObject>;
}

/**
 * `first` (if any), then what `rest` yields, each through `convert`; a payload
 * it maps to `undefined` is skipped.
 *
 * @example
 * ```ts ignore
 * const source = payloadSource(initialResult, iteratorOf(subsequentResults), toLegacy());
 * ```
 */
export function payloadSource(
  first: JsonObject | undefined,
  rest: AsyncIterator<JsonObject>,
  convert: Converter,
): PayloadSource {
  let head = first;
  let closed = false;
  return {
    async next() {
      while (!closed) {
        let value: JsonObject;
        if (head !== undefined) [value, head] = [head, undefined];
        else {
          const step = await rest.next();
          if (step.done || closed) return DONE;
          value = step.value;
        }
        const out = convert(value);
        if (out !== undefined) return { done: false, value: out };
      }
      return DONE;
    },
    async return() {
      if (closed) return DONE;
      closed = true;
      await rest.return?.();
      return DONE;
    },
  };
}
