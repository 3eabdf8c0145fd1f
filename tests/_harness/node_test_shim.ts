/**
 * The subset of `node:test` the suite uses, for workerd, where `node:test` does not exist.
 * scripts/test-workerd.mjs aliases `node:test` to this file when it bundles a test file.
 *
 * Registration (describe/it/test/hooks) happens when the test module is evaluated; nothing runs
 * until the harness worker calls {@link runRegistered} inside a request, because workerd allows
 * I/O and timers only while a request is being handled.
 *
 * @example
 * ```ts
 * import { describe, it } from "./node_test_shim.ts";
 *
 * describe("math", () => {
 *   it("adds", () => {
 *     if (1 + 1 !== 2) throw new Error("no");
 *   });
 * });
 * ```
 * @module
 */

import { settleTurn, takeUncaught } from "./uncaught.ts";

/** The `t` argument a test function receives (the parts of node's TestContext we support). */
export type TestContext = {
  readonly name: string;
  /** Aborted when the test times out or finishes. */
  readonly signal: AbortSignal;
  /** Marks the test skipped (the function keeps running, as in node:test). */
  skip(message?: string): void;
  /** Marks the test todo. */
  todo(message?: string): void;
  diagnostic(message: string): void;
};

/** A test or hook body. */
export type TestFn = (t: TestContext) => unknown;
/** A describe body; must be synchronous. */
export type SuiteFn = () => unknown;

/** Options accepted by describe/it/test. */
export type TestOptions = {
  /** Skip, with an optional reason. @default false */
  skip?: boolean | string;
  /** Mark as todo: runs, but a failure does not count. @default false */
  todo?: boolean | string;
  /** Per-test timeout in ms. @default the harness default (120000, or --timeout=) */
  timeout?: number;
  /** Accepted for compatibility; every test runs. */
  only?: boolean;
  /** Accepted for compatibility; tests always run one after another. */
  concurrency?: number | boolean;
};

type Hook = { fn: TestFn; timeout: number | undefined };
type Case = {
  kind: "test";
  name: string;
  options: TestOptions;
  fn: TestFn | undefined;
};
type Suite = {
  kind: "suite";
  name: string;
  options: TestOptions;
  children: (Suite | Case)[];
  before: Hook[];
  after: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
};

/** One finished test (or failed hook), as reported to the runner. */
export type TestResult = {
  /** Names from the outermost describe down to the test. */
  path: string[];
  status: "pass" | "fail" | "skip" | "todo";
  durationMs: number;
  /** Skip/todo reason or diagnostics. */
  message?: string;
  /** Stack or message of the failure. */
  error?: string;
};

function newSuite(name: string, options: TestOptions): Suite {
  return {
    kind: "suite",
    name,
    options,
    children: [],
    before: [],
    after: [],
    beforeEach: [],
    afterEach: [],
  };
}

const root: Suite = newSuite("", {});
let current: Suite = root;
let running = false;

type Args<F> = [string | TestOptions | F | undefined, (TestOptions | F)?, F?];

function parseArgs<F extends (...args: never[]) => unknown>(
  args: Args<F>,
): { name: string; options: TestOptions; fn: F | undefined } {
  let name = "<anonymous>";
  let options: TestOptions = {};
  let fn: F | undefined;
  for (const arg of args) {
    if (typeof arg === "string") name = arg;
    else if (typeof arg === "function") fn = arg;
    else if (arg && typeof arg === "object") options = arg;
  }
  if (name === "<anonymous>" && fn?.name) name = fn.name;
  return { name, options, fn };
}

function checkRegistering(what: string): void {
  if (running) {
    throw new Error(`${what}() while tests run: subtests and late registration are unsupported`);
  }
}

function registerSuite(args: Args<SuiteFn>, extra: TestOptions): void {
  checkRegistering("describe");
  const { name, options, fn } = parseArgs(args);
  const suite = newSuite(name, { ...options, ...extra });
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const result = fn?.();
    if (result && typeof (result as Promise<unknown>).then === "function") {
      throw new Error(`describe("${name}") body must be synchronous`);
    }
  } finally {
    current = parent;
  }
}

function registerTest(args: Args<TestFn>, extra: TestOptions): void {
  checkRegistering("it");
  const { name, options, fn } = parseArgs(args);
  current.children.push({ kind: "test", name, options: { ...options, ...extra }, fn });
}

type Register<F> = {
  (name?: string | TestOptions | F, options?: TestOptions | F, fn?: F): void;
  skip(name?: string | TestOptions | F, options?: TestOptions | F, fn?: F): void;
  todo(name?: string | TestOptions | F, options?: TestOptions | F, fn?: F): void;
  only(name?: string | TestOptions | F, options?: TestOptions | F, fn?: F): void;
};

function makeRegister<F>(register: (args: Args<F>, extra: TestOptions) => void): Register<F> {
  const fn = ((...args: Args<F>) => register(args, {})) as Register<F>;
  fn.skip = (...args: Args<F>) => register(args, { skip: true });
  fn.todo = (...args: Args<F>) => register(args, { todo: true });
  fn.only = (...args: Args<F>) => register(args, {});
  return fn;
}

/**
 * Declares a suite; the body runs at once and must be synchronous.
 *
 * @example
 * ```ts
 * import { describe, it } from "./node_test_shim.ts";
 * describe("suite", () => it("case", () => {}));
 * ```
 */
export const describe: Register<SuiteFn> = makeRegister(registerSuite);
/**
 * Same as {@link describe}.
 *
 * @example
 * ```ts
 * import { suite, test } from "./node_test_shim.ts";
 * suite("suite", () => test("case", () => {}));
 * ```
 */
export const suite: Register<SuiteFn> = describe;
/**
 * Declares a test.
 *
 * @example
 * ```ts
 * import { it } from "./node_test_shim.ts";
 * it("waits", { timeout: 1000 }, async () => await Promise.resolve());
 * ```
 */
export const it: Register<TestFn> = makeRegister(registerTest);
/**
 * Same as {@link it}.
 *
 * @example
 * ```ts
 * import { test } from "./node_test_shim.ts";
 * test("skipped (skipped on workerd: reason)", { skip: true }, () => {});
 * ```
 */
export const test: Register<TestFn> = it;

function hook(list: "before" | "after" | "beforeEach" | "afterEach") {
  return (fn: TestFn, options?: { timeout?: number }): void => {
    checkRegistering(list);
    current[list].push({ fn, timeout: options?.timeout });
  };
}

/**
 * Runs once before the tests of the enclosing suite (or file).
 *
 * @example
 * ```ts
 * import { before } from "./node_test_shim.ts";
 * before(() => {});
 * ```
 */
export const before: (fn: TestFn, options?: { timeout?: number }) => void = hook("before");
/**
 * Runs once after the tests of the enclosing suite (or file).
 *
 * @example
 * ```ts
 * import { after } from "./node_test_shim.ts";
 * after(() => {});
 * ```
 */
export const after: (fn: TestFn, options?: { timeout?: number }) => void = hook("after");
/**
 * Runs before each test of the enclosing suite, nested suites included.
 *
 * @example
 * ```ts
 * import { beforeEach } from "./node_test_shim.ts";
 * beforeEach(() => {});
 * ```
 */
export const beforeEach: (fn: TestFn, options?: { timeout?: number }) => void = hook(
  "beforeEach",
);
/**
 * Runs after each test of the enclosing suite, nested suites included.
 *
 * @example
 * ```ts
 * import { afterEach } from "./node_test_shim.ts";
 * afterEach(() => {});
 * ```
 */
export const afterEach: (fn: TestFn, options?: { timeout?: number }) => void = hook("afterEach");

function describeError(err: unknown): string {
  if (err instanceof Error) {
    return err.stack?.includes(err.message) ? err.stack : `${err}\n${err.stack ?? ""}`;
  }
  return String(err);
}

function reason(value: boolean | string | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

type Outcome = { skipped?: string | true; todo?: string | true; notes: string[] };

/** Runs fn with a deadline; the test's signal aborts when it ends either way. */
async function runTimed(
  name: string,
  fn: TestFn,
  timeoutMs: number,
  outcome: Outcome,
): Promise<void> {
  const controller = new AbortController();
  const t: TestContext = {
    name,
    signal: controller.signal,
    skip: (message) => void (outcome.skipped = message ?? true),
    todo: (message) => void (outcome.todo = message ?? true),
    diagnostic: (message) => void outcome.notes.push(message),
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`test timed out after ${timeoutMs}ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => fn(t)), deadline]);
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new Error("test finished"));
  }
}

type Runner = {
  /** Called before a test's hooks and body run, so a runner can name a test that hangs. */
  start(path: string[]): void | Promise<void>;
  report(result: TestResult): void | Promise<void>;
  timeoutMs: number;
};

async function reportAll(
  node: Suite | Case,
  path: string[],
  status: TestResult["status"],
  runner: Runner,
  message: string | undefined,
  error?: string,
): Promise<void> {
  if (node.kind === "test") {
    await runner.report({ path: [...path, node.name], status, durationMs: 0, message, error });
    return;
  }
  for (const child of node.children) {
    await reportAll(child, [...path, node.name], status, runner, message, error);
  }
}

async function runHooks(
  hooks: Hook[],
  label: string,
  runner: Runner,
  outcome: Outcome,
): Promise<void> {
  for (const h of hooks) await runTimed(label, h.fn, h.timeout ?? runner.timeoutMs, outcome);
}

async function runCase(
  test: Case,
  path: string[],
  ancestors: Suite[],
  runner: Runner,
): Promise<void> {
  const fullPath = [...path, test.name];
  const skip = test.options.skip;
  if (skip || !test.fn) {
    await runner.report({
      path: fullPath,
      status: test.options.todo && !skip ? "todo" : "skip",
      durationMs: 0,
      message: reason(skip),
    });
    return;
  }
  await runner.start(fullPath);
  const outcome: Outcome = { notes: [] };
  const started = Date.now();
  let error: string | undefined;
  try {
    for (const s of ancestors) await runHooks(s.beforeEach, "beforeEach", runner, outcome);
    await runTimed(test.name, test.fn, test.options.timeout ?? runner.timeoutMs, outcome);
  } catch (err) {
    error = describeError(err);
  }
  for (const s of [...ancestors].reverse()) {
    try {
      await runHooks(s.afterEach, "afterEach", runner, outcome);
    } catch (err) {
      error ??= `afterEach hook: ${describeError(err)}`;
    }
  }
  // As on Node: an unhandled rejection or a throw in a timer callback fails the running test.
  await settleTurn();
  const stray = takeUncaught();
  if (stray !== undefined) error = error === undefined ? stray : `${error}\n${stray}`;
  const todo = test.options.todo || outcome.todo;
  const status: TestResult["status"] = outcome.skipped
    ? "skip"
    : todo
    ? "todo"
    : error === undefined
    ? "pass"
    : "fail";
  const message = [
    reason(outcome.skipped === true ? undefined : outcome.skipped) ??
      reason(todo === true ? undefined : todo),
    ...outcome.notes,
  ].filter(Boolean).join("; ");
  await runner.report({
    path: fullPath,
    status,
    durationMs: Date.now() - started,
    message: message || undefined,
    error,
  });
}

async function runSuite(
  suite: Suite,
  path: string[],
  ancestors: Suite[],
  runner: Runner,
): Promise<void> {
  const here = suite === root ? path : [...path, suite.name];
  if (suite.options.skip) {
    for (const child of suite.children) {
      await reportAll(child, here, "skip", runner, reason(suite.options.skip));
    }
    return;
  }
  const chain = [...ancestors, suite];
  const outcome: Outcome = { notes: [] };
  try {
    await runHooks(suite.before, "before", runner, outcome);
  } catch (err) {
    const error = `before hook: ${describeError(err)}`;
    for (const child of suite.children) {
      await reportAll(child, here, "fail", runner, undefined, error);
    }
    return;
  }
  for (const child of suite.children) {
    if (child.kind === "test") await runCase(child, here, chain, runner);
    else await runSuite(child, here, chain, runner);
  }
  try {
    await runHooks(suite.after, "after", runner, outcome);
  } catch (err) {
    await runner.report({
      path: [...here, "<after hook>"],
      status: "fail",
      durationMs: 0,
      error: describeError(err),
    });
  }
}

/**
 * Runs every registered test, one after another, reporting each result as it finishes.
 * Called by the harness worker; test files never call it.
 *
 * @example
 * ```ts
 * import { it, runRegistered } from "./node_test_shim.ts";
 * it("ok", () => {});
 * await runRegistered({
 *   start: (path) => console.log("running", path.join(" > ")),
 *   report: (r) => console.log(r.status),
 *   timeoutMs: 30000,
 * });
 * ```
 */
export async function runRegistered(runner: Runner): Promise<void> {
  if (running) throw new Error("tests are already running");
  running = true;
  await runSuite(root, [], [], runner);
  await settleTurn();
  const stray = takeUncaught();
  if (stray !== undefined) {
    await runner.report({
      path: ["<after the last test>"],
      status: "fail",
      durationMs: 0,
      error: stray,
    });
  }
}
