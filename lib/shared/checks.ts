/**
 * The option checks every part of the library shares, so that a wrong value
 * gets the same words wherever it is given: an options object, a flag, a
 * count, milliseconds (with the one timer ceiling), whole seconds, a hook.
 * Each takes the value, its default (used when `undefined`: `null` is a
 * mistake, not a wish for the default) and the name to put in the message.
 *
 * @module
 */

import { describeValue } from "./describe.ts";

/** The longest delay `setTimeout` honours (2^31−1 ms, 24.8 days); past it, runtimes fire at once. */
export const MAX_TIMER: number = 2 ** 31 - 1;

/**
 * `value` as an options object, `{}` when `undefined`.
 *
 * @example
 * ```ts
 * import { optionsObject } from "./checks.ts";
 *
 * optionsObject(undefined, "options"); // {}
 * ```
 * @throws {TypeError} unless it is an object.
 */
export function optionsObject<T extends object>(value: T | undefined, name: string): T {
  if (value === undefined) return {} as T;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`${name} must be an object, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value`, or `fallback` when it is undefined.
 *
 * @example
 * ```ts
 * import { flag } from "./checks.ts";
 *
 * flag(undefined, false, "options.dropSame"); // false
 * ```
 * @throws {TypeError} unless it is a boolean.
 */
export function flag(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`${name} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * `value`, or `fallback` when it is undefined: an integer >= 1, or `Infinity`
 * when that is the default.
 *
 * @example
 * ```ts
 * import { count } from "./checks.ts";
 *
 * count(undefined, 100, "options.maxQueue"); // 100
 * ```
 * @throws {RangeError} unless it is an integer >= 1 (or `Infinity` when `fallback` is).
 */
export function count(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (value === Infinity && fallback === Infinity) return value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer >= 1, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Checks a duration option: milliseconds a timer can take, or `Infinity`
 * (for "never") when `or` is `"Infinity"`; `fallback` when `undefined`. `or`
 * names what else the option takes, for the message: `"false"` (the caller
 * handles `false` first) or `""` (nothing else).
 *
 * @example
 * ```ts
 * import { milliseconds } from "./checks.ts";
 *
 * milliseconds(undefined, 60_000, "options.idleTimeout"); // 60000
 * ```
 * @throws {RangeError} naming `name` and what was given.
 */
export function milliseconds(
  value: unknown,
  fallback: number,
  name: string,
  or: "Infinity" | "false" | "" = "Infinity",
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" || !(value > 0) ||
    (value > MAX_TIMER && !(or === "Infinity" && value === Infinity))
  ) {
    throw new RangeError(
      `${name} must be a number of milliseconds > 0 and <= ${MAX_TIMER}${
        or ? `, or ${or}` : ""
      }, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * `value`, or `fallback` when it is undefined.
 *
 * @example
 * ```ts
 * import { seconds } from "./checks.ts";
 *
 * seconds(undefined, 1, "options.retryAfter"); // 1
 * ```
 * @throws {RangeError} unless it is a whole number of seconds >= 0.
 */
export function seconds<F extends number | undefined>(
  value: unknown,
  fallback: F,
  name: string,
): number | F {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `${name} must be a whole number of seconds >= 0, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * A callback option: the function, or `undefined` when not given.
 *
 * @example
 * ```ts
 * import { hook } from "./checks.ts";
 *
 * hook(undefined, "options.onError"); // undefined
 * ```
 * @throws {TypeError} unless it is a function.
 */
export function hook<F extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") {
    throw new TypeError(`${name} must be a function, got ${describeValue(value)}`);
  }
  return value as F;
}

/**
 * A signal option: the `AbortSignal`, or `undefined` when not given.
 *
 * @example
 * ```ts
 * import { abortSignal } from "./checks.ts";
 *
 * abortSignal(undefined, "options.signal"); // undefined
 * ```
 * @throws {TypeError} unless it is an `AbortSignal`.
 */
export function abortSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`${name} must be an AbortSignal, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * A `cors` option (the hub's, `ingest`'s): what `corsPolicy()` returns, or
 * `undefined`. Checked by its methods, so the hub does not bundle
 * `corsPolicy` itself; `T` is lib/access's `CorsPolicy`.
 *
 * @example
 * ```ts
 * import { corsOption } from "./checks.ts";
 *
 * corsOption(undefined, "options.cors"); // undefined
 * ```
 * @throws {TypeError} unless it has `preflight`, `headers` and `apply` methods.
 */
export function corsOption<T>(value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined;
  const policy = value as Record<string, unknown> | null;
  if (
    typeof policy?.preflight !== "function" || typeof policy.headers !== "function" ||
    typeof policy.apply !== "function"
  ) {
    throw new TypeError(
      `${name} must be a policy from corsPolicy({ allowOrigin }), got ${describeValue(value)}`,
    );
  }
  return value as T;
}
