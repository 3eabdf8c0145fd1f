/**
 * Carrying a push across processes and machines: the frame envelope every
 * bus adapter (`multipart-push/nats`, `multipart-push/redis`) sends.
 *
 * @module
 */

export { type DecodedPart, decodeFrame, encodeFrame, FRAME_VERSION } from "./frame_envelope.ts";
export { FrameError } from "./frame_error.ts";
export type { Part, PartBody, PartSource } from "../push/part.ts";
export {
  busFrames,
  type BusFramesOptions,
  type BusSource,
  type BusSubscribe,
  type BusUnsubscribe,
} from "./bus_frames.ts";
