/**
 * A real `node:http` server answering through `sendResponse` (lib/node), on Node and on Deno's
 * and Bun's `node:http`, and a raw `node:net` client that can stop reading (a stalled viewer).
 * The modules are imported by a name in a variable, so the workerd bundler never resolves them.
 *
 * @module
 */

import { type NodeServerResponse, sendResponse } from "../../lib/node/mod.ts";

/** The few members of `node:http` the tests use. */
export type NodeHttp = {
  createServer(
    handler: (req: unknown, res: NodeServerResponse) => void,
  ): {
    listen(port: number, host: string, ready: () => void): void;
    address(): { port: number };
    close(): void;
    closeAllConnections?(): void;
  };
};

/** A running server: its URL (ends with "/"), each `sendResponse` promise, and `close()`. */
export type NodeServer = { url: string; port: number; sent: Promise<void>[]; close(): void };

/**
 * A node:http server answering every request with `respond(req, res)` through `sendResponse`.
 *
 * @example
 * ```ts ignore
 * const server = await nodeServer(() => hub.response());
 * const response = await fetch(server.url);
 * ```
 */
export async function nodeServer(
  respond: (req: never, res: NodeServerResponse) => Response,
): Promise<NodeServer> {
  const name = "node:http";
  const http = (await import(name)) as NodeHttp;
  const sent: Promise<void>[] = [];
  const server = http.createServer((req, res) =>
    void sent.push(sendResponse(respond(req as never, res), res))
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    sent,
    close() {
      server.closeAllConnections?.();
      server.close();
    },
  };
}

/** A raw HTTP/1.1 GET on its own socket: every byte it got, and control over reading. */
export type RawClient = {
  /** Everything received so far (status line, header block, chunked body), as latin1 text. */
  text(): string;
  /** Stops reading: the server's writes fill the socket buffers, as with a stalled viewer. */
  pause(): void;
  /** Reads again. */
  resume(): void;
  /** Resolves when the connection has closed, with whether it closed with an error. */
  closed: Promise<boolean>;
  /** Closes the socket. */
  destroy(): void;
};

/**
 * Sends `GET /` to `port` on 127.0.0.1 and keeps what comes back, without an HTTP client
 * (a fetch body may buffer on its own; this one reads only while not paused).
 *
 * @example
 * ```ts ignore
 * const client = await rawGet(server.port);
 * client.pause();
 * ```
 */
export async function rawGet(port: number): Promise<RawClient> {
  const name = "node:net";
  const net = (await import(name)) as typeof import("node:net");
  const socket = net.connect(port, "127.0.0.1");
  const decoder = new TextDecoder("latin1");
  let text = "";
  socket.on("data", (chunk: Uint8Array) => (text += decoder.decode(chunk, { stream: true })));
  const closed = new Promise<boolean>((resolve) => socket.once("close", resolve));
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  return {
    text: () => text,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    closed,
    destroy: () => socket.destroy(),
  };
}
