/**
 * mjpg-streamer's URLs (`/?action=stream`, `/?action=snapshot`), which Home
 * Assistant, OctoPrint, Frigate and most NVRs are configured with, answered
 * from a hub.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";

/** What the routes need of a hub (a `PushHub` has both). */
export interface MjpgStreamerHub {
  /** The push for one viewer. */
  response(request: Request): Response;
  /** The latest frame as an ordinary response. */
  snapshot(): Response;
}

/**
 * A handler for mjpg-streamer's URLs: `?action=stream` gets the push,
 * `?action=snapshot` the latest frame, on any path (OctoPrint puts the camera
 * under `/webcam/`); any other request gets `null`, for the app's own routes.
 * Clients read the boundary from `Content-Type`, so the hub's own boundary works.
 *
 * @example Serve a hub where an mjpg-streamer used to be
 * ```ts ignore
 * import { mjpgStreamerRoutes, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const mjpg = mjpgStreamerRoutes(hub);
 * Deno.serve({ port: 8080 }, (request) =>
 *   mjpg(request) ?? new Response("not found", { status: 404 })
 * );
 * // Home Assistant: still_image_url http://pi:8080/?action=snapshot,
 * //                 mjpeg_url       http://pi:8080/?action=stream
 * ```
 * @param hub The hub to answer from.
 * @returns `(request) => Response | null`.
 * @throws {TypeError} when `hub` lacks `response` or `snapshot`.
 */
export function mjpgStreamerRoutes(hub: MjpgStreamerHub): (request: Request) => Response | null {
  if (typeof hub?.response !== "function" || typeof hub?.snapshot !== "function") {
    throw new TypeError(
      `hub must have response(request) and snapshot() methods (a PushHub has both), got ${
        describe(hub)
      }`,
    );
  }
  return (request) => {
    if (!(request instanceof Request)) {
      throw new TypeError(`request must be a Request, got ${describe(request)}`);
    }
    if (request.method !== "GET" && request.method !== "HEAD") return null;
    switch (new URL(request.url).searchParams.get("action")) {
      case "stream":
        return hub.response(request);
      case "snapshot":
        return hub.snapshot();
      default:
        return null;
    }
  };
}
