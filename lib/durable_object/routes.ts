/**
 * What the Worker and the objects agree on: the shape of a Durable Object
 * namespace (typed structurally, nothing is imported) and the objects' names.
 *
 * @module
 */

/** The calls of a Durable Object stub this module makes. */
export interface DurableObjectStubLike {
  /** Sends a request to the object. */
  fetch(request: Request): Promise<Response>;
}

/** The calls of a Durable Object namespace binding (`env.PUSH_HUB`) this module makes. */
export interface DurableObjectNamespaceLike<Id = unknown> {
  /** The id of the object with this name. */
  idFromName(name: string): Id;
  /** A stub for the object with this id. */
  get(id: Id): DurableObjectStubLike;
}

/**
 * The name of `camera`'s object. Camera objects and shard objects are named
 * as JSON arrays of different shapes, so no camera name, whatever characters
 * it holds, names another camera's object or any shard.
 *
 * @example
 * ```ts ignore
 * cameraObjectName("camera-1"); // '["camera","camera-1"]'
 * ```
 */
export function cameraObjectName(camera: string): string {
  return JSON.stringify(["camera", camera]);
}

/**
 * The name of shard `index` of `camera`'s object (see {@linkcode cameraObjectName}).
 *
 * @example
 * ```ts ignore
 * shardName("camera-1", 0); // '["shard","camera-1",0]'
 * ```
 */
export function shardName(camera: string, index: number): string {
  return JSON.stringify(["shard", camera, index]);
}
