/**
 * The Durable Object side of `multipart-push/durable-object`: one class for
 * both roles. The camera's object takes each frame (`ingest`), forwards it
 * once to each of its shard objects, and serves viewers itself when there
 * are no shards; a shard object publishes what it is forwarded and serves
 * the viewers routed to it. Requests come from `durableHub` (worker_side.ts).
 *
 * @module
 */

import { decodeFrame } from "../bus/frame_envelope.ts";
import { PushHub } from "../hub/push_hub.ts";
import { type PushHubOptions, resolveHubOptions } from "../hub/options.ts";
import { describeValue } from "../shared/describe.ts";
import { type DurableObjectNamespaceLike, shardName } from "./routes.ts";

/** Options of `pushHubObject`. */
export interface PushHubObjectOptions extends PushHubOptions {
  /**
   * The name of this class's Durable Object namespace binding in `env`
   * (wrangler.toml `[[durable_objects.bindings]] name`): the camera's object
   * reaches its shards through it.
   * @default {"PUSH_HUB"}
   */
  binding?: string | undefined;
}

/** A Durable Object class, as `pushHubObject` makes it. */
export type PushHubObjectClass = new (
  state: unknown,
  env: Record<string, unknown>,
) => { fetch(request: Request): Promise<Response> };

/**
 * Makes the Durable Object class that holds a `PushHub`: export it from the
 * Worker under the class name wrangler.toml binds, and talk to it with
 * `durableHub`. `options` are the hub's options (each object has its own hub)
 * plus the binding name.
 *
 * @example
 * ```ts ignore
 * import { durableHub, pushHubObject } from "multipart-push/durable-object";
 *
 * export const PushHubObject = pushHubObject({ binding: "PUSH_HUB" });
 * export default {
 *   fetch(request: Request, env: { PUSH_HUB: DurableObjectNamespace }) {
 *     return durableHub(env.PUSH_HUB, { shards: 4 }).view("camera-1", request);
 *   },
 * };
 * ```
 * @throws {TypeError|RangeError} on a bad option (at once, not in the object).
 */
export function pushHubObject(options?: PushHubObjectOptions): PushHubObjectClass {
  const { binding = "PUSH_HUB", ...hubOptions } = options ?? {};
  if (typeof binding !== "string" || binding === "") {
    throw new TypeError(
      `options.binding must be a non-empty string, got ${describeValue(binding)}`,
    );
  }
  // Checks the hub options now, where the Worker starts, rather than in each object. A fixed
  // boundary stands in for the random one: a Worker's global scope may not generate random values.
  resolveHubOptions({ ...hubOptions, boundary: hubOptions.boundary ?? "options-check" });
  return class PushHubObject {
    #env: Record<string, unknown>;
    #hub = new PushHub(hubOptions);

    constructor(_state: unknown, env: Record<string, unknown>) {
      this.#env = env;
    }

    async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const [, camera, action] = url.pathname.split("/").map(decodeURIComponent);
      if (request.method === "POST" && action === "ingest") {
        const frame = new Uint8Array(await request.arrayBuffer());
        const shards = Number(url.searchParams.get("shards") ?? 0);
        try {
          const part = decodeFrame(frame);
          // The camera's object forwards each frame once per shard; the shards' hubs serve viewers.
          if (shards > 0) await this.#forward(camera, frame, shards);
          else this.#hub.publish(part);
        } catch (error) {
          // Not a frame, or one the hub refuses (its boundary in the body): the sender's fault.
          return new Response(`400 Bad Request: ${(error as Error).message}\n`, { status: 400 });
        }
        return new Response(null, { status: 204 });
      }
      if (request.method === "GET" && action === "view") return this.#hub.response(request);
      if (request.method === "GET" && action === "snapshot") return this.#hub.snapshot();
      if (request.method === "GET" && action === "stats") {
        return Response.json({ subscribers: this.#hub.subscribers });
      }
      return new Response(`no ${request.method} ${url.pathname} here\n`, { status: 404 });
    }

    async #forward(camera: string, frame: Uint8Array<ArrayBuffer>, shards: number): Promise<void> {
      const namespace = this.#env[binding] as DurableObjectNamespaceLike | undefined;
      if (typeof namespace?.idFromName !== "function") {
        throw new TypeError(`env.${binding} must be this class's Durable Object namespace`);
      }
      await Promise.all(Array.from({ length: shards }, async (_, i) => {
        const name = shardName(camera, i);
        const stub = namespace.get(namespace.idFromName(name));
        const url = `https://push-hub/${encodeURIComponent(camera)}/ingest`;
        const response = await stub.fetch(new Request(url, { method: "POST", body: frame }));
        if (!response.ok) {
          throw new Error(`shard ${name} answered ${response.status}: ${await response.text()}`);
        }
      }));
    }
  };
}
