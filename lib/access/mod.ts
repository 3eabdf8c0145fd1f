/**
 * Access control for pushes and uploads, on Web Crypto only: signed expiring
 * URLs for viewers (`<img>` cannot send an `Authorization` header), a Bearer
 * token check for publishers, and CORS for pages that draw frames on a canvas.
 *
 * @example Sign an `<img>` source, check it on the stream route
 * ```ts
 * import { signUrl, verifySignedUrl } from "multipart-push";
 *
 * const secret = "a long random server-side secret";
 * const src = await signUrl("/stream", secret, { expiresIn: 600 });
 * const verdict = await verifySignedUrl(new Request(`http://cam.example${src}`), secret);
 * console.log(verdict === true); // true
 * ```
 *
 * @module
 */

export { type AccessCheck, bearerToken } from "./bearer_token.ts";
export { type AllowOrigin, type CorsOptions, type CorsPolicy, corsPolicy } from "./cors.ts";
export type { Secret } from "./hmac.ts";
export {
  signUrl,
  type SignUrlOptions,
  verifySignedUrl,
  type VerifySignedUrlOptions,
} from "./signed_url.ts";
