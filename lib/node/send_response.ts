/**
 * Writes a web `Response` (a push from `pushResponse` or `hub.response`) to a Node
 * `http.ServerResponse`, for `node:http` and Express servers, without a fetch-to-Node bridge: each
 * chunk of the body (a hub's shared, already framed frame buffers) goes to `res.write` as it is.
 * A `PushHub`'s own response is not read at all: its viewer writes each frame from the hub's
 * fan-out to `res` (lib/shared/direct_body.ts), saving a web stream read, its promise and its
 * result per viewer per frame (BENCHMARKS.md, issue 19 second round).
 * The response object is typed by the few members used (no import of `node:http`).
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { type BodySink, type BodyTap, directBody } from "../shared/direct_body.ts";

/** What {@linkcode sendResponse} uses of Node's `http.ServerResponse` (Express's `res` too). */
export interface NodeServerResponse {
  /** The request, to answer `HEAD` without a body. */
  readonly req?: { readonly method?: string | undefined } | undefined;
  /** True once the response was destroyed (the client may have left before we started). */
  readonly destroyed?: boolean | undefined;
  /** True once the connection closed. */
  readonly closed?: boolean | undefined;
  /** Sends the status line and header fields. */
  writeHead(status: number, headers: Record<string, string | string[]>): unknown;
  /** Sends the header block before the first body chunk, if the server supports it. */
  flushHeaders?(): void;
  /** Queues a chunk; false when the socket's buffer is full (wait for "drain"). */
  write(chunk: Uint8Array): boolean;
  /** Ends the response cleanly. */
  end(): unknown;
  /** Closes the connection without a clean end (the client sees a broken response). */
  destroy(error?: Error): unknown;
  /** "drain": room to write again; "close": the connection is gone (client left, or ended). */
  once(event: "drain" | "close", listener: () => void): unknown;
  /** Removes a listener added with `once`. */
  off(event: "drain" | "close", listener: () => void): unknown;
}

/**
 * Sends `response` on `res`: status and headers at once, then the body chunk by chunk, waiting
 * for `drain` when the socket is full (a `hub.response()` as it is: each frame from the hub, the
 * newest one when the socket drains). A client that leaves cancels the body (a hub viewer
 * unsubscribes); a body that errors (a push cut short) destroys the connection, so the client
 * sees a broken response rather than a clean, shorter one. `HEAD` gets the headers only.
 *
 * @example Serve a PushHub from node:http
 * ```ts ignore
 * import { createServer } from "node:http";
 * import { PushHub } from "multipart-push";
 * import { sendResponse, toRequest } from "multipart-push/node";
 *
 * const hub = new PushHub();
 * createServer((req, res) => void sendResponse(hub.response(toRequest(req, res)), res)).listen(8080);
 * ```
 *
 * @param response The response to send; its body is read to the end or cancelled.
 * @param res Node's `http.ServerResponse` (or Express's `res`).
 * @returns A promise that settles once the response has ended, never rejecting.
 * @throws {TypeError} at once when `response` is not a Response or `res` lacks the members used.
 */
export function sendResponse(response: Response, res: NodeServerResponse): Promise<void> {
  if (!(response instanceof Response)) {
    throw new TypeError(`response must be a Response, got ${describe(response)}`);
  }
  const target = res as unknown as Record<string, unknown> | null;
  for (const name of ["writeHead", "write", "end", "destroy", "once", "off"]) {
    if (typeof target?.[name] !== "function") {
      throw new TypeError(
        `res must be a Node http.ServerResponse (with a ${name}() method), got ${describe(res)}`,
      );
    }
  }
  res.writeHead(response.status, headerRecord(response.headers));
  const body = response.body;
  if (body === null || res.req?.method === "HEAD") {
    body?.cancel().catch(() => {});
    res.end();
    return Promise.resolve();
  }
  res.flushHeaders?.();
  return sendDirect(body, res) ?? pump(body.getReader(), res);
}

/**
 * A `PushHub` viewer's body, written from the hub's fan-out straight to `res` (no web stream
 * read per frame; lib/shared/direct_body.ts). `undefined` for any other body.
 */
function sendDirect(
  body: ReadableStream<Uint8Array>,
  res: NodeServerResponse,
): Promise<void> | undefined {
  const direct = directBody(body);
  if (direct === undefined) return undefined;
  const sink = new ResponseSink(res);
  const tap = direct(sink);
  return tap && sink.start(tap);
}

/**
 * `res` as a direct body's sink: a write that fills the socket's buffer waits for "drain", when
 * the viewer sends its newest frame (dropping stale ones meanwhile, as for a slow stream
 * reader); a client that leaves cancels the viewer.
 */
class ResponseSink implements BodySink {
  #res: NodeServerResponse;
  #tap: BodyTap | undefined;
  #gone = false;
  #draining = false;
  #settle = (): void => {};
  #onDrain = (): void => {
    this.#draining = false;
    this.#tap?.ready();
  };
  #onClose = (): void => {
    if (this.#gone) return;
    this.#done();
    this.#tap?.cancel();
  };

  constructor(res: NodeServerResponse) {
    this.#res = res;
  }

  /** Starts the body; settles once the response has ended, never rejecting. */
  start(tap: BodyTap): Promise<void> {
    this.#tap = tap;
    const settled = new Promise<void>((resolve) => (this.#settle = resolve));
    this.#res.once("close", this.#onClose);
    // A client that left before the push started: its "close" has fired already.
    if (closed(this.#res)) this.#onClose();
    else tap.ready();
    return settled;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#gone) return false;
    if (this.#res.write(chunk)) return true;
    if (!this.#draining) this.#res.once("drain", this.#onDrain);
    this.#draining = true;
    return false;
  }

  end(): void {
    // A viewer ended by its request's signal (toRequest) ends as the connection closes.
    if (!this.#gone && !closed(this.#res)) this.#res.end();
    this.#done();
  }

  abort(error: unknown): void {
    if (!this.#gone) this.#res.destroy(error instanceof Error ? error : new Error(String(error)));
    this.#done();
  }

  #done(): void {
    this.#gone = true;
    this.#res.off("close", this.#onClose);
    if (this.#draining) this.#res.off("drain", this.#onDrain);
    this.#settle();
  }
}

/** Whether the connection has closed (the client left, or the response was destroyed). */
function closed(res: NodeServerResponse): boolean {
  return res.destroyed === true || res.closed === true;
}

async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: NodeServerResponse,
): Promise<void> {
  let gone = false;
  let wake = (): void => {};
  const onClose = (): void => {
    gone = true;
    reader.cancel().catch(() => {});
    wake();
  };
  res.once("close", onClose);
  // A client that left before the push started: its "close" has fired already.
  if (closed(res)) onClose();
  try {
    while (!gone) {
      const { done, value } = await reader.read();
      if (done) {
        if (!gone) res.end();
        return;
      }
      if (!gone && !res.write(value)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          res.once("drain", resolve);
        });
        res.off("drain", wake);
      }
    }
  } catch (error) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    res.off("close", onClose);
  }
}

/** Header fields as Node takes them; `Set-Cookie` stays a list. */
function headerRecord(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of headers) if (name !== "set-cookie") record[name] = value;
  const cookies = headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) record["set-cookie"] = cookies;
  return record;
}

/** What {@linkcode toRequest} reads of Node's `http.IncomingMessage` (Express's `req` too). */
export interface NodeIncomingMessage {
  /** The request method, e.g. `GET`; a `HEAD` gets the headers only. */
  readonly method?: string | undefined;
  /** The request target, e.g. `/stream?fps=5`. */
  readonly url?: string | undefined;
  /** The request's headers, lower-cased names as Node gives them (`Accept`, `Sec-Fetch-Dest`, ...). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Its socket: a TLS socket (https) has `encrypted: true`. */
  readonly socket?: object | null | undefined;
}

/**
 * A web `Request` for Node's `req`: method, URL and header fields (not the body: a push answers a
 * `GET`), so `pushResponse` and `hub.response` can fit the framing to the client (an `<img>`, a
 * page, a media reader: see `PushOptions.advanceHeaders`). With `res`, its `signal` aborts when
 * the connection closes, which ends the push cleanly.
 *
 * @example
 * ```ts ignore
 * createServer((req, res) => void sendResponse(pushResponse(frames(), { request: toRequest(req, res) }), res));
 * ```
 * @throws {TypeError} when `req` has no `headers` object, or its method is one a `Request` cannot
 * have (`CONNECT`, `TRACE`, `TRACK`).
 */
export function toRequest(
  req: NodeIncomingMessage,
  res?: Pick<NodeServerResponse, "once">,
): Request {
  if (typeof req?.headers !== "object" || req.headers === null) {
    throw new TypeError(
      `req must be a Node http.IncomingMessage (with headers), got ${describe(req)}`,
    );
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (":path") are no header fields.
    if (value === undefined || name.startsWith(":")) continue;
    for (const one of typeof value === "string" ? [value] : value) headers.append(name, one);
  }
  const tls = (req.socket as { encrypted?: unknown } | null | undefined)?.encrypted === true;
  const scheme = tls ? "https" : "http";
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `${scheme}://${headers.get("host") ?? "localhost"}`);
  } catch {
    url = new URL(req.url?.startsWith("/") ? req.url : "/", `${scheme}://localhost`);
  }
  const abort = new AbortController();
  res?.once("close", () => abort.abort());
  const method = req.method ?? "GET";
  if (/^(?:CONNECT|TRACE|TRACK)$/i.test(method)) {
    throw new TypeError(`req.method must be one a fetch Request allows, got ${describe(method)}`);
  }
  return new Request(url, { method, headers, signal: abort.signal });
}
