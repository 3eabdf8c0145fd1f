/**
 * Server push on Cloudflare Workers: `npx wrangler dev` (wrangler.toml points here), then open
 * the URL it prints. A Worker streams the push for as long as the client stays; to fan one source
 * out to many viewers, put the `PushHub` in a Durable Object and forward `/stream` requests to it.
 *
 * wrangler.toml sets the `enable_request_signal` compatibility flag so that `request.signal`
 * aborts when the viewer leaves, which ends the push at once.
 *
 * @module
 */
import { handler } from "./clock.ts";

/** The Worker's module export. */
const worker: { fetch(request: Request): Response } = {
  fetch(request: Request): Response {
    return handler(request);
  },
};

export default worker;
