/**
 * Server push on Cloudflare Workers: `npx wrangler dev` (wrangler.toml points here), then open
 * the URL it prints. A Worker streams the push for as long as the client stays; to fan one source
 * out to many viewers, put the `PushHub` in a Durable Object and forward `/stream` requests to it.
 *
 * wrangler.toml sets the `enable_request_signal` compatibility flag so that `request.signal`
 * aborts when the viewer leaves, which ends the push at once; the handler hands `ctx.waitUntil`
 * to the push, because a Worker stops a request's timers when its client leaves, and the clock's
 * generator must still get to its `finally`.
 *
 * @module
 */
import { handler } from "./clock.ts";

/** The Worker's module export. */
const worker: {
  fetch(
    request: Request,
    env?: unknown,
    ctx?: { waitUntil(promise: Promise<unknown>): void },
  ): Response;
} = {
  fetch(request, _env, ctx) {
    return handler(request, ctx);
  },
};

export default worker;
