/**
 * What the encoder and the decoder share: the boundary (random, or a
 * caller's one checked against RFC 2046), the boundary search, header-field
 * validation and byte helpers. Only {@linkcode createBoundary} is public.
 *
 * @example
 * ```ts
 * import { createBoundary } from "multipart-push";
 *
 * createBoundary(); // 32 random hex characters
 * ```
 *
 * @module
 */

export { createBoundary } from "./boundary.ts";
