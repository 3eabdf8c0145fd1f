/**
 * The schema the GraphQL tests execute with real graphql-js 17: a user whose `name` is deferred,
 * whose `friends` are streamed, and a subscription of ticks. Every resolver stamps when it hands
 * its value to the executor, so a test can measure the time from yield to a client seeing it.
 * Payloads are spaced further apart (`STEP_MS`) than the latency bound, so a client that sees a
 * payload only when the next one arrives fails the bound.
 */
import {
  buildSchema,
  experimentalExecuteIncrementally,
  type GraphQLSchema,
  legacyExecuteIncrementally,
  parse,
  subscribe,
} from "graphql";
import type { GraphQLResponseInput } from "../../lib/graphql/mod.ts";

/** Time between two payloads of one response. */
export const STEP_MS = 100;

export const schema: GraphQLSchema = buildSchema(`
  directive @defer(label: String, if: Boolean! = true) on FRAGMENT_SPREAD | INLINE_FRAGMENT
  directive @stream(label: String, initialCount: Int! = 0, if: Boolean! = true) on FIELD
  type Query { user: User, endless: [Int] }
  type User { id: ID!, name: String, friends: [String] }
  type Subscription { ticks(count: Int!): Int, forever: Int }
`);

/** One request's record: when each value was handed to the executor, and the streams closed. */
export interface Run {
  yieldedAt: Map<string, number>;
  /** How many `endless` streams and `forever` subscriptions ran their `finally`. */
  finallies: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)));
  });

/** What graphql-js 17 passes a resolver last: the signal it aborts when the response is over. */
type Info = { getAbortSignal(): AbortSignal | undefined };

/** The resolvers, stamping into `run`. */
export function rootValue(run: Run): Record<string, unknown> {
  const stamp = <T>(value: T): T => (run.yieldedAt.set(String(value), performance.now()), value);
  return {
    user: {
      id: () => stamp("1"),
      name: async () => (await sleep(STEP_MS), stamp("Ada")),
      friends: async function* () {
        yield stamp("Babbage");
        await sleep(2 * STEP_MS);
        yield stamp("Somerville");
        await sleep(STEP_MS);
        yield stamp("Herschel");
      },
    },
    // graphql-js returns a stream's iterator in the background once the client left; a resolver
    // that waits on a timer must also honour the abort signal, or on Workers (where the request's
    // timers stop when its client leaves) the iterator never reaches the `yield` that returns it.
    endless: async function* (_args: unknown, _context: unknown, info: Info) {
      const signal = info.getAbortSignal();
      try {
        for (let i = 0;; i++) {
          yield i;
          await sleep(20, signal);
        }
      } finally {
        run.finallies++;
      }
    },
    forever: async function* () {
      try {
        for (let i = 0;; i++) {
          yield { forever: i };
          await sleep(20);
        }
      } finally {
        run.finallies++;
      }
    },
    ticks: async function* ({ count }: { count: number }) {
      for (let i = 1; i <= count; i++) {
        await sleep(STEP_MS);
        yield { ticks: stamp(i) };
      }
    },
  };
}

/** The deferred and streamed query, and the values its payloads bring, in order. */
export const DEFER_QUERY =
  `query User { user { id ... @defer(label: "slow") { name } friends @stream(initialCount: 1) } }`;
export const DEFER_VALUES = ["1", "Babbage", "Ada", "Somerville", "Herschel"];
export const DEFER_RESULT = {
  user: { id: "1", friends: ["Babbage", "Somerville", "Herschel"], name: "Ada" },
};
export const SUBSCRIPTION = `subscription Ticks { ticks(count: 3) }`;
export const TICKS = ["1", "2", "3"];

/** Which graphql-js 17 executor runs a query with `@defer`/`@stream`. */
export type Executor = "experimentalExecuteIncrementally" | "legacyExecuteIncrementally";

/** Executes `query` (a subscription too) with a fresh {@link Run}. */
export async function execute(
  query: string,
  executor: Executor = "experimentalExecuteIncrementally",
  variables?: Record<string, unknown>,
): Promise<{ result: GraphQLResponseInput; run: Run }> {
  const run: Run = { yieldedAt: new Map(), finallies: 0 };
  const document = parse(query);
  const args = { schema, document, rootValue: rootValue(run), variableValues: variables };
  const isSubscription = /^\s*subscription\b/.test(query);
  const execute = executor === "legacyExecuteIncrementally"
    ? legacyExecuteIncrementally
    : experimentalExecuteIncrementally;
  const result = await (isSubscription ? subscribe(args) : execute(args));
  return { result: result as GraphQLResponseInput, run };
}

/** Reads `{ query, variables }` from a GraphQL POST. */
export async function body(
  request: Request,
): Promise<{ query: string; variables?: Record<string, unknown> }> {
  return await request.json() as { query: string; variables?: Record<string, unknown> };
}

/**
 * Milliseconds from each of `values` being yielded (`run.yieldedAt`) to a client seeing it
 * (`seenAt`), in the order given; fails if one was never yielded or never seen.
 */
export function latencies(
  seenAt: Map<string, number>,
  yieldedAt: Map<string, number>,
  values: string[],
  what: string,
): number[] {
  return values.map((value) => {
    const yielded = yieldedAt.get(value);
    const at = seenAt.get(value);
    if (yielded === undefined) throw new Error(`${value} was never yielded`);
    if (at === undefined) throw new Error(`${what} never showed ${value}`);
    return at - yielded;
  });
}

/**
 * Asserts payloads were seen on time: the median within 50 ms of the yield, and every one but the
 * last before the next payload was yielded (the first value yielded half a `STEP_MS` or more
 * later). A client that holds a payload back until the next part starts sees it only after that
 * yield, so it fails however the machine is loaded, while a stall that delays the next yield as
 * much as the client does not fail an on-time client. The last has no next payload: the response
 * ends right after it, so a client holding it back to the end looks the same as one that is late
 * on a loaded machine (a fixed window failed a loaded CI run at 168 ms); the median bounds it.
 * Returns the latencies.
 */
export function assertOnTime(
  seenAt: Map<string, number>,
  yieldedAt: Map<string, number>,
  values: string[],
  what: string,
): number[] {
  const ms = latencies(seenAt, yieldedAt, values, what);
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const shown = `${what}: yield-to-client latencies ${ms.map((m) => m.toFixed(1))} ms`;
  if (!(median < 50)) throw new Error(`${shown}, median over 50 ms`);
  const yields = values.map((value) => yieldedAt.get(value)!);
  yields.forEach((yielded, i) => {
    const later = yields.filter((t) => t >= yielded + STEP_MS / 2);
    if (later.length === 0) return;
    if (!(yielded + ms[i] < Math.min(...later))) {
      throw new Error(`${shown}, ${values[i]} was seen only after the next payload was yielded`);
    }
  });
  return ms;
}
