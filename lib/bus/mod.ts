/**
 * Carrying a push across processes and machines: the frame envelope every
 * bus adapter (`multipart-push/nats`, `multipart-push/redis`) sends.
 *
 * @module
 */

export { type DecodedPart, decodeFrame, encodeFrame, FRAME_VERSION } from "./frame_envelope.ts";
export { FrameError } from "./frame_error.ts";
export type { Part, PartBody } from "../push/part.ts";
