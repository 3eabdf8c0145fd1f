/**
 * CORS for push and snapshot responses, so a page on another origin can draw
 * frames on a `<canvas>` (`<img crossorigin>`) or read a push with `fetch`.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { isToken } from "../shared/header_fields.ts";

/** Which origins may read: `"*"`, one origin, a list, or a function of the origin. */
export type AllowOrigin =
  | string
  | readonly string[]
  | ((origin: string, request: Request) => boolean);

/** Options for {@linkcode corsPolicy}. */
export interface CorsOptions {
  /** Which origins may read responses (e.g. `"https://app.example"`). */
  allowOrigin: AllowOrigin;
  /**
   * Methods a preflight allows.
   * @default ["GET", "HEAD", "POST"]
   */
  allowMethods?: readonly string[] | undefined;
  /**
   * Request headers a preflight allows (`Authorization` for a publisher's token,
   * `Content-Type` for a frame upload).
   * @default ["Authorization", "Content-Type"]
   */
  allowHeaders?: readonly string[] | undefined;
  /**
   * Seconds a browser may cache a preflight's answer.
   * @default 600
   */
  maxAge?: number | undefined;
}

/** What {@linkcode corsPolicy} returns. */
export interface CorsPolicy {
  /**
   * The answer to a CORS preflight (`OPTIONS` with `Origin` and
   * `Access-Control-Request-Method`): `204` with the allow headers, or `403`
   * for an origin not allowed. `null` for any other request.
   */
  preflight(request: Request): Response | null;
  /** `Access-Control-Allow-Origin` (when the request's origin may read) and `Vary: Origin`. */
  headers(request: Request): Headers;
  /** `response` with {@linkcode CorsPolicy.headers} added (a copy when its headers are immutable). */
  apply(request: Request, response: Response): Response;
}

function tokens(value: unknown, fallback: string[], name: string): string {
  const list = value ?? fallback;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string" || !isToken(item))) {
    throw new TypeError(`${name} must be an array of header-name tokens, got ${describe(list)}`);
  }
  return list.join(", ");
}

function matcher(allow: unknown): (origin: string, request: Request) => boolean {
  if (typeof allow === "function") {
    return (origin, request) => {
      try {
        return allow(origin, request) === true;
      } catch {
        return false; // a throwing policy refuses; it never breaks the response
      }
    };
  }
  const list = typeof allow === "string" ? [allow] : allow;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `options.allowOrigin must be "*", an origin, a non-empty array of origins or a function, ` +
        `got ${describe(allow)}`,
    );
  }
  for (const origin of list) {
    if (origin === "*" && list.length === 1) continue;
    if (typeof origin !== "string" || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin)) {
      throw new RangeError(
        `options.allowOrigin must list origins like "https://app.example" (scheme://host[:port], ` +
          `no path), or be "*" alone, got ${describe(origin)}`,
      );
    }
  }
  const origins = new Set(list.map((origin: string) => origin.toLowerCase()));
  return (origin) => origins.has(origin.toLowerCase());
}

/**
 * A CORS policy: answers preflights and gives the headers to put on push and
 * snapshot responses. Origins are compared exactly (scheme, host, port).
 * Credentials (cookies) are not allowed: use a signed URL instead.
 *
 * @example
 * ```ts
 * import { corsPolicy, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const cors = corsPolicy({ allowOrigin: ["https://app.example"] });
 * function handle(request: Request): Response {
 *   return cors.preflight(request) ?? cors.apply(request, hub.response(request));
 * }
 * ```
 * @param options See {@linkcode CorsOptions}.
 * @returns A {@linkcode CorsPolicy}.
 * @throws {TypeError|RangeError} on a bad option.
 */
export function corsPolicy(options: CorsOptions): CorsPolicy {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const any = options.allowOrigin === "*" ||
    (Array.isArray(options.allowOrigin) && options.allowOrigin.length === 1 &&
      options.allowOrigin[0] === "*");
  const allowed = matcher(options.allowOrigin);
  const methods = tokens(options.allowMethods, ["GET", "HEAD", "POST"], "options.allowMethods");
  const allowHeaders = tokens(
    options.allowHeaders,
    ["Authorization", "Content-Type"],
    "options.allowHeaders",
  );
  const maxAge = options.maxAge ?? 600;
  if (typeof maxAge !== "number") {
    throw new TypeError(`options.maxAge must be a number of seconds, got ${describe(maxAge)}`);
  }
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new RangeError(
      `options.maxAge must be a whole number of seconds >= 0, got ${describe(maxAge)}`,
    );
  }

  function headers(request: Request): Headers {
    const out = new Headers();
    const origin = request.headers.get("origin");
    if (any) out.set("access-control-allow-origin", "*");
    else {
      out.set("vary", "Origin");
      if (origin !== null && allowed(origin, request)) {
        out.set("access-control-allow-origin", origin);
      }
    }
    return out;
  }

  return {
    headers,
    preflight(request: Request): Response | null {
      if (
        request.method !== "OPTIONS" || !request.headers.has("origin") ||
        !request.headers.has("access-control-request-method")
      ) return null;
      const out = headers(request);
      out.append("vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
      if (!out.has("access-control-allow-origin")) {
        return new Response("403 Forbidden: this origin may not read these responses\n", {
          status: 403,
          headers: out,
        });
      }
      out.set("access-control-allow-methods", methods);
      out.set("access-control-allow-headers", allowHeaders);
      out.set("access-control-max-age", String(maxAge));
      return new Response(null, { status: 204, headers: out });
    },
    apply(request: Request, response: Response): Response {
      if (!(response instanceof Response)) {
        throw new TypeError(`response must be a Response, got ${describe(response)}`);
      }
      const add = headers(request);
      const merge = (target: Response): Response => {
        for (const [name, value] of add) {
          if (name === "vary") target.headers.append(name, value);
          else target.headers.set(name, value);
        }
        return target;
      };
      try {
        return merge(response);
      } catch {
        // A fetched response's headers are immutable: copy it (the body moves, it is not read).
        return merge(new Response(response.body, response));
      }
    },
  };
}
