/**
 * How error messages show a wrong value: with its type where the value alone
 * could mislead, so that `"100"` (a string where a number belongs) never reads
 * like `100`. Every "got …" in `lib/` goes through here, so all messages agree.
 *
 * @module
 */

/** Longest string shown in full; longer ones are cut, so a message stays one line. */
const MAX_SHOWN = 60;

/**
 * Describes a value for an error message: strings quoted and marked as
 * strings (cut after 60 characters), numbers, booleans, `null` and
 * `undefined` as themselves, symbols marked, objects by their class.
 *
 * @example
 * ```ts
 * import { describeValue } from "./describe.ts";
 *
 * describeValue("100"); // 'the string "100"'
 * describeValue(100); // "100"
 * describeValue(null); // "null"
 * describeValue(new Map()); // "a Map"
 * ```
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string": {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    // Numbers and booleans read unambiguously once strings are marked as strings.
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "symbol":
      return `the symbol ${value.toString()}`;
    case "function":
      return value.name ? `the function ${value.name}` : "a function";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = constructorName(value as object);
  if (name === undefined || name === "Object") return "an object";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}

/** The name of an object's constructor, without running user code that could throw. */
function constructorName(value: object): string | undefined {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : undefined;
  } catch {
    return undefined;
  }
}
