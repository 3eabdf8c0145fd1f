/**
 * How the seed examples start when run as programs, on whichever runtime runs them: Deno.serve,
 * Bun.serve, or @hono/node-server on Node. `PORT` (default 8000) and `HOST` (default 127.0.0.1).
 *
 * @module
 */

type Handler = (request: Request) => Response | Promise<Response>;

/** Serve `handler` and print the URL. */
export async function serve(handler: Handler): Promise<void> {
  // Only the request goes in: Deno.serve's second argument (connection info) and Bun's (the
  // server) are not a Worker's `ctx`, which a handler written for Workers would take them for.
  const fetch: Handler = (request) => handler(request);
  const g = globalThis as {
    Deno?: {
      env: { get(name: string): string | undefined };
      serve(
        options: { hostname: string; port: number; onListen(addr: { port: number }): void },
        handler: Handler,
      ): unknown;
    };
    Bun?: {
      serve(options: {
        hostname: string;
        port: number;
        idleTimeout: number;
        fetch: Handler;
      }): { port: number };
    };
    process?: { env: Record<string, string | undefined> };
  };
  const env = (name: string): string | undefined => g.Deno?.env.get(name) ?? g.process?.env[name];
  const hostname = env("HOST") ?? "127.0.0.1";
  const port = Number(env("PORT") ?? 8000);
  const listening = (actual: number): void =>
    console.log(`Listening on http://${hostname}:${actual}/`);
  if (g.Deno) {
    g.Deno.serve({ hostname, port, onListen: ({ port }) => listening(port) }, fetch);
  } else if (g.Bun) {
    listening(g.Bun.serve({ hostname, port, idleTimeout: 0, fetch }).port);
  } else {
    const name = "@hono/node-server";
    const hono = await import(name) as typeof import("@hono/node-server");
    hono.serve({ fetch, hostname, port }, (info) => listening(info.port));
  }
}
