/**
 * `node:test` for Deno, as strict as Node's runner: scripts/test.sh maps `node:test` here with
 * `--import-map=tests/_harness/deno_import_map.json`. Two things Deno's own `node:test` lacks:
 *
 * - a per-test limit for tests that set none (Node has `--test-timeout`, Bun `--timeout`):
 *   `TEST_TIMEOUT_MS` from the environment, 120000 by default;
 * - failing the running test on an error thrown in a timer or event callback (Deno's `node:test`
 *   lets the test pass). Unhandled rejections already fail a test on Deno.
 *
 * @example
 * ```ts ignore
 * // deno test -A --import-map=tests/_harness/deno_import_map.json tests/
 * import { it } from "node:test"; // this module
 * it("gets the per-test limit", async () => {});
 * ```
 * @module
 */
import * as real from "node:test";
import { reportUncaught, settleTurn, takeUncaught } from "./uncaught.ts";

// What the suite imports from node:test; hooks and suites run as they are.
export { after, afterEach, before, beforeEach, describe, suite } from "node:test";

const env = (globalThis as { Deno?: { env: { get(name: string): string | undefined } } }).Deno?.env;
const LIMIT_MS = Number(env?.get("TEST_TIMEOUT_MS") ?? 120_000);

addEventListener("error", (event) => {
  event.preventDefault();
  reportUncaught((event as ErrorEvent).error ?? (event as ErrorEvent).message);
});

type Fn = (...args: unknown[]) => unknown;
type Register = (...args: unknown[]) => unknown;

let running = 0;

/** Runs a test body, then fails it with any error nobody caught while it ran. */
function strict(fn: Fn): Fn {
  return async function (this: unknown, ...args: unknown[]) {
    const mine = ++running;
    takeUncaught(); // an earlier test's stray error was already reported by that test
    await fn.apply(this, args);
    await settleTurn();
    // A test Deno failed early (an unhandled rejection) runs on unawaited: what comes in now
    // belongs to the test running now.
    if (running !== mine) return;
    const stray = takeUncaught();
    if (stray !== undefined) throw new Error(stray);
  };
}

function withLimit(register: Register): Register {
  return (...args: unknown[]) => {
    const at = args.findIndex((a) => typeof a === "function");
    if (at !== -1) args[at] = strict(args[at] as Fn);
    const options = args.findIndex((a) => a !== null && typeof a === "object");
    if (options === -1) args.splice(typeof args[0] === "string" ? 1 : 0, 0, { timeout: LIMIT_MS });
    else {
      const given = args[options] as { timeout?: number };
      if (given.timeout === undefined) args[options] = { ...given, timeout: LIMIT_MS };
    }
    return register(...args);
  };
}

function wrap<T>(register: T): T {
  const from = register as unknown as Register & Record<string, Register | undefined>;
  const wrapped = withLimit(from) as Register & Record<string, Register>;
  for (const key of ["skip", "todo", "only"]) {
    const variant = from[key];
    if (variant) wrapped[key] = withLimit(variant.bind(from));
  }
  return wrapped as unknown as T;
}

/** `it` with the per-test limit and strict uncaught errors. */
export const it: typeof real.it = wrap(real.it);
/** `test` with the per-test limit and strict uncaught errors. */
export const test: typeof real.test = wrap(real.test);
