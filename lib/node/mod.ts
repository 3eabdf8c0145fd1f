/**
 * For Node (and Bun's `node:http`): {@linkcode sendResponse} serves a push (`pushResponse`,
 * `hub.response`) from Node's own `node:http` server or Express, writing the body's chunks to the
 * `ServerResponse` directly, and {@linkcode toRequest} hands the push the client's request (so an
 * `<img>` gets browser framing and a media reader reader framing).
 *
 * @example
 * ```ts ignore
 * import { createServer } from "node:http";
 * import { PushHub } from "multipart-push";
 * import { sendResponse, toRequest } from "multipart-push/node";
 *
 * const hub = new PushHub();
 * createServer((req, res) => void sendResponse(hub.response(toRequest(req, res)), res)).listen(8080);
 * ```
 *
 * @module
 */

export {
  type NodeIncomingMessage,
  type NodeServerResponse,
  sendResponse,
  toRequest,
} from "./send_response.ts";
