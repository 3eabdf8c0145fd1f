/**
 * Bad-input tables: each row is a call that must throw, the exact error class and what the
 * message must say. Shared by tests/push/bad_input.test.ts and tests/push/bad_values.test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";

/** [what is wrong, the call, the error class, what the message must say] */
export type BadCall = [what: string, call: () => unknown, kind: ErrorConstructor, message: RegExp];

/** Asserts that `call` throws a `kind` itself (not a subclass) whose message matches `message`. */
export function assertThrowsExactly(
  call: () => unknown,
  kind: ErrorConstructor,
  message: RegExp,
): void {
  assert.throws(call, (error: Error) => {
    assert.equal(error.constructor, kind, `${error.constructor.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
}
