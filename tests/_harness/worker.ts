/**
 * The workerd side of the test harness. scripts/test-workerd.mjs bundles one test file together
 * with this module and runs it in workerd through miniflare:
 *
 * - `default.fetch` receives `POST /__harness/run` from the runner, runs the registered tests in
 *   that one request (so state from `before` hooks stays usable) and streams one JSON line per
 *   result back.
 * - `Serve0`…`Serve5` are entrypoints that miniflare exposes on their own 127.0.0.1 sockets.
 *   `serve()` from tests/_helpers/serve.ts claims one of them, and the test `fetch`es its URL, so
 *   the request leaves the worker through workerd's HTTP client and comes back through workerd's
 *   HTTP server like any client's request.
 *
 * @example
 * ```ts
 * // Built by the runner; a bundle entry looks like:
 * import "./tests/some.test.ts";
 * export * from "./tests/_harness/worker.ts";
 * ```
 * @module
 */
import { runRegistered, type TestResult } from "./node_test_shim.ts";
import { catchTimerErrors, reportUncaught } from "./uncaught.ts";
import {
  type Handler,
  type ServeContext,
  type Served,
  WORKERD_SERVE_HOST,
  type WorkerdServeHost,
} from "../_helpers/serve.ts";

// How many servers a test file may have open at once (one miniflare socket each). Every export of
// this module must be an entrypoint, so this stays private; scripts/test-workerd.mjs repeats it.
const SLOTS = 6;

/** First line of the run request's JSON body. */
export type RunRequest = { timeoutMs: number; urls: string[] };

/** One line of the streamed run response. */
export type RunEvent =
  | ({ type: "result" } & TestResult)
  | { type: "start"; path: string[] }
  | { type: "warning"; message: string }
  | { type: "done" }
  | { type: "fatal"; error: string };

const handlers: (Handler | undefined)[] = new Array(SLOTS).fill(undefined);
let slotUrls: string[] = [];
let nextSlot = 0;

const host: WorkerdServeHost = {
  listen(handler: Handler): Served {
    // Rotate through slots so a late request for a closed server rarely meets the next one.
    let slot = -1;
    for (let i = 0; i < SLOTS; i++) {
      const candidate = (nextSlot + i) % SLOTS;
      if (!handlers[candidate]) {
        slot = candidate;
        break;
      }
    }
    if (slot === -1 || !slotUrls[slot]) {
      throw new Error(`serve(): at most ${SLOTS} servers may be open at once in workerd`);
    }
    nextSlot = (slot + 1) % SLOTS;
    handlers[slot] = handler;
    return {
      url: slotUrls[slot],
      close(): Promise<void> {
        if (handlers[slot] === handler) handlers[slot] = undefined;
        return Promise.resolve();
      },
    };
  },
};
(globalThis as Record<symbol, unknown>)[WORKERD_SERVE_HOST] = host;
catchTimerErrors();

async function dispatch(slot: number, req: Request, ctx: ServeContext): Promise<Response> {
  const handler = handlers[slot];
  if (!handler) return new Response("harness: no server open on this port\n", { status: 503 });
  try {
    return await handler(req, ctx);
  } catch (err) {
    // The same answer the other runtimes' servers give a throwing handler.
    console.error(err);
    return new Response("Internal Server Error", { status: 500 });
  }
}

function run(body: RunRequest): Response {
  slotUrls = body.urls;
  const encoder = new TextEncoder();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const send = (event: RunEvent): Promise<void> =>
    writer.write(encoder.encode(JSON.stringify(event) + "\n"));
  // As strict as Node: the shim fails the running test with it (workerd would only warn).
  const onRejection = (event: PromiseRejectionEvent): void => {
    event.preventDefault();
    reportUncaught(event.reason);
  };
  addEventListener("unhandledrejection", onRejection);
  (async () => {
    try {
      // Let the response head go out first, so the runner sees progress even if a test blocks.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await runRegistered({
        timeoutMs: body.timeoutMs,
        start: async (path) => {
          await send({ type: "start", path });
          // A macrotask turn lets workerd put the line on the wire before a test that blocks.
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
        report: (result) => send({ type: "result", ...result }),
      });
      await send({ type: "done" });
    } catch (err) {
      await send({
        type: "fatal",
        error: err instanceof Error ? err.stack ?? err.message : String(err),
      });
    } finally {
      removeEventListener("unhandledrejection", onRejection);
      await writer.close();
    }
  })();
  return new Response(readable, { headers: { "content-type": "application/x-ndjson" } });
}

/** The default entrypoint: only the runner talks to it. */
export default {
  async fetch(req: Request): Promise<Response> {
    const { pathname } = new URL(req.url);
    if (req.method === "POST" && pathname === "/__harness/run") return run(await req.json());
    return new Response("harness: unknown request\n", { status: 404 });
  },
};

type Entrypoint = { fetch(req: Request, env: unknown, ctx: ServeContext): Promise<Response> };

function entrypoint(slot: number): Entrypoint {
  return { fetch: (req, _env, ctx) => dispatch(slot, req, ctx) };
}

/** Server slot 0, exposed by miniflare on its own socket. */
export const Serve0: Entrypoint = entrypoint(0);
/** Server slot 1. */
export const Serve1: Entrypoint = entrypoint(1);
/** Server slot 2. */
export const Serve2: Entrypoint = entrypoint(2);
/** Server slot 3. */
export const Serve3: Entrypoint = entrypoint(3);
/** Server slot 4. */
export const Serve4: Entrypoint = entrypoint(4);
/** Server slot 5. */
export const Serve5: Entrypoint = entrypoint(5);
