/**
 * The Worker side of `multipart-push/durable-object`: where a frame goes
 * (the camera's object) and where a viewer goes (one of its shards, or the
 * camera's object when there are none).
 *
 * @module
 */

import { encodeFrame } from "../bus/frame_envelope.ts";
import type { Part } from "../push/part.ts";
import { describeValue } from "../shared/describe.ts";
import { cameraObjectName, type DurableObjectNamespaceLike, shardName } from "./routes.ts";

/** Options of `durableHub`. */
export interface DurableHubOptions {
  /**
   * Shard objects per camera. `0`: the camera's object serves every viewer
   * itself (up to what one object can serve); `K`: it forwards each frame
   * once to K shard objects and viewers are spread over those.
   * @default {0}
   */
  shards?: number;
}

/** What a Worker does with the push hub objects of one namespace. */
export interface DurableHub {
  /** Sends a frame to `camera`'s object (and so to its shards). @throws on a bad part or a refused frame */
  ingest(camera: string, part: Part): Promise<void>;
  /**
   * A viewer's push, from a random shard (or `shard` when given, e.g. for
   * tests or stickiness), or from the camera's object when there are no shards.
   */
  view(camera: string, request: Request, options?: { shard?: number }): Promise<Response>;
  /** Subscribers now: on the camera's object, and on each shard. */
  stats(camera: string): Promise<{ camera: number; shards: number[] }>;
}

/**
 * The Worker's handle on the objects made by `pushHubObject`, bound as
 * `namespace`.
 *
 * @example
 * ```ts ignore
 * const hub = durableHub(env.PUSH_HUB, { shards: 4 });
 * if (request.method === "POST") {
 *   await hub.ingest("camera-1", { contentType: "image/jpeg", body: await request.bytes() });
 *   return new Response(null, { status: 204 });
 * }
 * return hub.view("camera-1", request);
 * ```
 * @throws {TypeError|RangeError} on a bad namespace or option.
 */
export function durableHub(
  namespace: DurableObjectNamespaceLike,
  options?: DurableHubOptions,
): DurableHub {
  if (typeof namespace?.idFromName !== "function" || typeof namespace?.get !== "function") {
    throw new TypeError(
      `namespace must be a Durable Object namespace binding, got ${describeValue(namespace)}`,
    );
  }
  const shards = options?.shards ?? 0;
  if (!Number.isInteger(shards) || shards < 0 || shards > 1000) {
    throw new RangeError(
      `options.shards must be an integer from 0 to 1000, got ${describeValue(shards)}`,
    );
  }
  const stub = (name: string) => namespace.get(namespace.idFromName(name));
  const path = (camera: string, action: string) =>
    `https://push-hub/${encodeURIComponent(checkCamera(camera))}/${action}`;
  const shardFor = (camera: string, shard: number | undefined): string => {
    if (shards === 0) return cameraObjectName(camera);
    const index = shard ?? Math.floor(Math.random() * shards);
    if (!Number.isInteger(index) || index < 0 || index >= shards) {
      throw new RangeError(
        `options.shard must be an integer from 0 to ${shards - 1}, got ${describeValue(index)}`,
      );
    }
    return shardName(camera, index);
  };
  const stats = async (name: string, camera: string) =>
    ((await (await stub(name).fetch(new Request(path(camera, "stats")))).json()) as {
      subscribers: number;
    }).subscribers;
  return {
    async ingest(camera, part) {
      const body = encodeFrame(part);
      const url = `${path(camera, "ingest")}?shards=${shards}`;
      const response = await stub(cameraObjectName(camera)).fetch(
        new Request(url, { method: "POST", body }),
      );
      if (!response.ok) {
        throw new Error(`the object of ${camera} refused the frame: ${await response.text()}`);
      }
    },
    view(camera, request, viewOptions) {
      const name = shardFor(camera, viewOptions?.shard);
      // The viewer's own request (headers, signal) goes on, so `advanceHeaders` and leaving work.
      return stub(name).fetch(new Request(path(camera, "view"), request));
    },
    async stats(camera) {
      const names = Array.from({ length: shards }, (_, i) => shardName(camera, i));
      const counts = await Promise.all(
        [cameraObjectName(camera), ...names].map((name) => stats(name, camera)),
      );
      return { camera: counts[0], shards: counts.slice(1) };
    },
  };
}

function checkCamera(camera: unknown): string {
  if (typeof camera !== "string" || camera === "") {
    throw new TypeError(`camera must be a non-empty string, got ${describeValue(camera)}`);
  }
  return camera;
}
