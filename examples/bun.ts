/**
 * Server push on Bun: `bun examples/bun.ts`, then open http://127.0.0.1:8000/. `PORT` picks the
 * port.
 *
 * @module
 */
import { handler } from "./clock.ts";

// The little of Bun's API used here, so the file type-checks without @types/bun.
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch(request: Request): Response;
  }): { url: URL };
};

export { handler };

if (import.meta.main) {
  // idleTimeout 0: Bun closes a connection that sends nothing for 10 s, and a push may be quiet.
  const server = Bun.serve({
    hostname: process.env.HOST ?? "127.0.0.1", // HOST=0.0.0.0 to serve the network
    port: Number(process.env.PORT ?? 8000),
    idleTimeout: 0,
    fetch: handler,
  });
  console.log(`Listening on ${server.url}`);
}
