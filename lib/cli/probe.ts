/**
 * The doctor's connection: requests a push the way a browser's `<img>` does (or, for the second
 * look, the way an MJPEG reader does) over node:http or node:https, and notes when each byte
 * arrives. A compressed body is decompressed as it comes (with sync flushes), so its parts are
 * timed as a browser would see them. Node built-ins are loaded by name and typed by the few
 * members used, so the library's type check needs no Node types.
 *
 * @module
 */

import { PartTimeline } from "./part_timeline.ts";
import type { PushProbe } from "./diagnosis.ts";
import { boundaryFromContentType } from "../parse/content_type_boundary.ts";

/** The connection failed before a response head: the doctor exits 2. */
export class ConnectError extends Error {
  override name = "ConnectError";
}

/** What Chromium sends for an `<img>` (Firefox and Safari differ only in `Accept`'s list). */
export const BROWSER_HEADERS: Record<string, string> = {
  "Accept": "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
  "Accept-Encoding": "gzip, deflate, br",
  "Sec-Fetch-Dest": "image",
  "Sec-Fetch-Mode": "no-cors",
  "User-Agent": "Mozilla/5.0 (compatible; multipart-push doctor)",
};

/** What ffmpeg, VLC and OpenCV send: any type, no image destination, no compression. */
export const READER_HEADERS: Record<string, string> = {
  "Accept": "*/*",
  "User-Agent": "Lavf/60 (multipart-push doctor, as an MJPEG reader)",
};

interface Emitter {
  on(event: string, listener: (value: never) => void): unknown;
}
interface IncomingMessage extends Emitter {
  statusCode?: number;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  pipe<T>(destination: T): T;
}
interface ClientRequest extends Emitter {
  end(): void;
  destroy(): void;
}
interface HttpModule {
  request(url: URL, options: { headers: Record<string, string> }): ClientRequest;
}
interface ZlibModule {
  constants: { Z_SYNC_FLUSH: number; BROTLI_OPERATION_FLUSH: number };
  createGunzip(options: { finishFlush: number }): Emitter;
  createInflate(options: { finishFlush: number }): Emitter;
  createBrotliDecompress(options: { finishFlush: number }): Emitter;
}

/** Options of {@linkcode probePush}. */
export interface ProbeOptions {
  /** How long to read, in milliseconds. */
  readMs: number;
  /** The request's header fields. @default {BROWSER_HEADERS} */
  headers?: Record<string, string> | undefined;
  /** Stop once this many parts arrived. @default {Infinity} */
  maxParts?: number | undefined;
}

/**
 * Reads the push at `url` for `options.readMs`.
 *
 * @example
 * ```ts ignore
 * const probe = await probePush(new URL("http://127.0.0.1:8080/stream"), { readMs: 4000 });
 * ```
 * @throws {ConnectError} when no response head came (refused, unknown host, TLS, silence).
 */
export async function probePush(url: URL, options: ProbeOptions): Promise<PushProbe> {
  const [http, zlib] = await Promise.all([
    load<HttpModule>(url.protocol === "https:" ? "node:https" : "node:http"),
    load<ZlibModule>("node:zlib"),
  ]);
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const sentAt = Date.now();
  const request = http.request(url, { headers: options.headers ?? BROWSER_HEADERS });
  return await new Promise<PushProbe>((resolve, reject) => {
    let probe: PushProbe | null = null;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request.destroy();
      if (probe === null) {
        reject(new ConnectError(`no response within ${options.readMs} ms`));
      } else resolve({ ...probe, readMs: Math.min(now(), options.readMs) });
    };
    const timer = setTimeout(finish, options.readMs);
    request.on("error", (error: Error) => {
      if (probe === null && !done) {
        done = true;
        clearTimeout(timer);
        reject(new ConnectError(error.message || String(error)));
      } else if (probe !== null && probe.endedAt === null) {
        probe.error = error.message;
        probe.endedAt = now();
        finish();
      }
    });
    request.on("response", (response: IncomingMessage) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        for (const one of [value ?? []].flat()) headers.append(name, one);
      }
      const boundary = boundaryFromContentType(headers.get("content-type"));
      const timeline = boundary === null ? null : new PartTimeline(boundary);
      const current: PushProbe = {
        url: url.href,
        status: response.statusCode ?? 0,
        httpVersion: response.httpVersion,
        headers,
        sentAt,
        headAt: now(),
        readMs: 0,
        timeline,
        endedAt: null,
        error: null,
      };
      probe = current;
      const body = decoded(response, headers.get("content-encoding"), zlib);
      body.on("data", (chunk: Uint8Array) => {
        timeline?.push(chunk, now());
        if ((timeline?.parts.length ?? 0) >= (options.maxParts ?? Infinity)) finish();
      });
      body.on("end", () => {
        current.endedAt ??= now();
        finish();
      });
      body.on("error", (error: Error) => {
        current.error ??= error.message;
        current.endedAt ??= now();
        finish();
      });
    });
    request.end();
  });
}

/** The body's bytes, decompressed as they arrive when it has a Content-Encoding zlib reads. */
function decoded(response: IncomingMessage, encoding: string | null, zlib: ZlibModule): Emitter {
  const { Z_SYNC_FLUSH, BROTLI_OPERATION_FLUSH } = zlib.constants;
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return response.pipe(zlib.createGunzip({ finishFlush: Z_SYNC_FLUSH }));
    case "deflate":
      return response.pipe(zlib.createInflate({ finishFlush: Z_SYNC_FLUSH }));
    case "br":
      return response.pipe(zlib.createBrotliDecompress({ finishFlush: BROTLI_OPERATION_FLUSH }));
    default:
      return response;
  }
}

/** A Node built-in by name (a literal import would need Node's types in the library's check). */
function load<T>(name: string): Promise<T> {
  return import(name) as Promise<T>;
}
