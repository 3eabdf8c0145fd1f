/**
 * For Node (and Bun's `node:http`): {@linkcode sendResponse} serves a push (`pushResponse`,
 * `hub.response`) from Node's own `node:http` server or Express, writing the body's chunks to the
 * `ServerResponse` directly.
 *
 * @example
 * ```ts ignore
 * import { createServer } from "node:http";
 * import { PushHub } from "multipart-push";
 * import { sendResponse } from "multipart-push/node";
 *
 * const hub = new PushHub();
 * createServer((req, res) => void sendResponse(hub.response(), res)).listen(8080);
 * ```
 *
 * @module
 */

export { type NodeServerResponse, sendResponse } from "./send_response.ts";
