/**
 * A ready `authorize` check for publishers: `Authorization: Bearer <token>`,
 * compared in constant time.
 *
 * @module
 */

import { describeValue as describe } from "../shared/describe.ts";
import { sameBytes, sha256 } from "./hmac.ts";

/**
 * An access check: `true` lets the request in; `false` refuses it with
 * `403 Forbidden`; a `Response` is sent as it is (a `401` with
 * `WWW-Authenticate`, a redirect to a login page).
 */
export type AccessCheck = (
  request: Request,
) => boolean | Response | Promise<boolean | Response>;

const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * A check that lets in requests carrying `Authorization: Bearer <token>`
 * (RFC 6750). Both tokens are hashed with SHA-256 and the digests compared
 * in constant time, so neither the token's content nor its length leaks.
 * No or another kind of credentials: `401` with `WWW-Authenticate: Bearer`;
 * a wrong token: `401` with `error="invalid_token"`.
 *
 * @example Only the camera with the token may publish
 * ```ts ignore
 * import { bearerToken, ingest, PushHub } from "multipart-push";
 *
 * const hub = new PushHub();
 * const authorize = bearerToken(Deno.env.get("PUBLISH_TOKEN")!);
 * Deno.serve((request) =>
 *   request.method === "POST" ? ingest(request, hub, { authorize }) : hub.response(request)
 * );
 * ```
 * @param token The expected token: RFC 6750 token characters, at least 16 of them.
 * @returns An {@linkcode AccessCheck}.
 * @throws {TypeError} when `token` is not a string. {RangeError} when it is shorter than 16
 * characters or has characters a Bearer token cannot have.
 */
export function bearerToken(token: string): (request: Request) => Promise<true | Response> {
  if (typeof token !== "string") {
    throw new TypeError(`token must be a string, got ${describe(token)}`);
  }
  if (token.length < 16 || !TOKEN.test(token)) {
    throw new RangeError(
      "token must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (then any =), got " +
        `a string of ${token.length} characters${TOKEN.test(token) ? "" : " with others"} ` +
        "(not shown: it is a secret)",
    );
  }
  const expected = sha256(token);
  return async (request: Request): Promise<true | Response> => {
    if (!(request instanceof Request)) {
      throw new TypeError(`request must be a Request, got ${describe(request)}`);
    }
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match === null) {
      return unauthorized('Bearer realm="multipart-push"', "a Bearer token is required");
    }
    const given = await sha256(match[1]);
    if (!sameBytes(given, await expected)) {
      return unauthorized(
        'Bearer realm="multipart-push", error="invalid_token"',
        "the Bearer token is wrong",
      );
    }
    return true;
  };
}

function unauthorized(challenge: string, why: string): Response {
  return new Response(`401 Unauthorized: ${why}\n`, {
    status: 401,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "www-authenticate": challenge,
    },
  });
}
