/**
 * Server push on Deno (and Deno Deploy): `deno run --allow-net --allow-env examples/deno.ts`,
 * then open http://127.0.0.1:8000/. `PORT` picks the port.
 *
 * @module
 */
import { handler } from "./clock.ts";

export { handler };

if (import.meta.main) {
  const hostname = Deno.env.get("HOST") ?? "127.0.0.1"; // HOST=0.0.0.0 to serve the network
  Deno.serve({ hostname, port: Number(Deno.env.get("PORT") ?? 8000) }, handler);
}
