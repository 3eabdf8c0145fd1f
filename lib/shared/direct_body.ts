/**
 * A body that a server adapter may write straight to its connection instead of reading it from
 * its `ReadableStream`. A `PushHub` viewer registers its stream here; `sendResponse`
 * (lib/node) asks for it and hands over a {@linkcode BodySink} (Node's `ServerResponse`), so
 * each frame goes from the hub's fan-out to `res.write` without a web stream read, its promise
 * and its result object per viewer per frame (the cost above the kernel's `writev` in a Node
 * profile at 1,000 viewers, issue 19). Any other body, or one already being read, is not here,
 * and is read from its stream as usual. The hook is internal: a module-private `WeakMap`, so a
 * stream that is dropped drops its entry.
 *
 * @module
 */

/** Where a direct body's chunks go: a server's connection, adapted by its server module. */
export interface BodySink {
  /** Queues `chunk`; false when the connection's buffer is full: nothing more until `ready()`. */
  write(chunk: Uint8Array): boolean;
  /** Ends the body cleanly, after what was written. */
  end(): void;
  /** Breaks the connection: the client sees a broken response, not a clean shorter one. */
  abort(error: unknown): void;
}

/** What the writer of a direct body is told by the sink's owner. */
export interface BodyTap {
  /** The sink takes bytes (again): the first call starts the body, later ones follow a full write. */
  ready(): void;
  /** The client left: stop, and write nothing more. */
  cancel(): void;
}

/** Takes a body over: its chunks go to `sink` from now on; `undefined` when it has begun or ended. */
export type DirectBody = (sink: BodySink) => BodyTap | undefined;

const bodies = new WeakMap<ReadableStream<Uint8Array>, DirectBody>();

/**
 * Lets `stream` be written through `direct` instead of being read.
 *
 * @example
 * ```ts ignore
 * offerDirectBody(viewer.stream, (sink) => viewer.attach(sink));
 * ```
 */
export function offerDirectBody(stream: ReadableStream<Uint8Array>, direct: DirectBody): void {
  bodies.set(stream, direct);
}

/**
 * The direct writer of `body`, once: `undefined` for a body that offers none or that someone
 * is reading already (a locked stream).
 *
 * @example
 * ```ts ignore
 * const tap = directBody(response.body)?.(sink);
 * if (tap) tap.ready(); // else read response.body as any other
 * ```
 */
export function directBody(body: ReadableStream<Uint8Array>): DirectBody | undefined {
  const direct = bodies.get(body);
  if (direct === undefined || body.locked) return undefined;
  bodies.delete(body);
  return direct;
}
