// A decoder viewer for the camera tests: every part a hub response delivers, with when it came.
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { feed, upload } from "../ingest/_uploads.ts";

/** A part as a viewer saw it: its text, the part, and when it arrived (ms since epoch). */
export type Seen = { text: string; part: ReceivedPart; at: number };

/** Reads `response` in the background; `parts` fills as they come, `done` settles at the end. */
export function watch(response: Response): { parts: Seen[]; done: Promise<void> } {
  const parts: Seen[] = [];
  const done = (async () => {
    for await (const part of parseParts(response)) {
      parts.push({ text: part.text(), part, at: Date.now() });
    }
  })();
  return { parts, done };
}

/**
 * A media reader's request (ffmpeg's): reader framing, each part whole, so a viewer's parts are
 * the frames published. (A request-less `hub.response()` gets browser framing, where a frame
 * whose headers differ from the one before, like the offline part's `X-Offline`, first fills the
 * announced part with the previous frame: see lib/push/framing.ts.) Every push ends with its last
 * part again.
 */
export const reader = (): Request =>
  new Request("http://cam/", { headers: { "User-Agent": "Lavf/61.7.100" } });

/** A text part. */
export const text = (body: string): { contentType: string; body: string } => ({
  contentType: "text/plain",
  body,
});

/** An in-process publisher's streamed multipart upload the test feeds part by part. */
/** Open publishing of the text parts these tests send (allowTypes widens ingest's images). */
export const OPEN_TEXT = { authorize: "anyone", allowTypes: ["text/plain"] } as const;

export function streamedUpload(): {
  request: Request;
  send(body: string): void;
  end(): void;
} {
  const encoder = new TextEncoder();
  const body = feed();
  // As ffmpeg writes it: a part is complete once the delimiter after it has arrived.
  body.push(encoder.encode("--up\r\n"));
  return {
    request: upload(body.stream, "multipart/x-mixed-replace; boundary=up"),
    send: (text) =>
      body.push(encoder.encode(
        `Content-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}\r\n--up\r\n`,
      )),
    end: () => {
      body.push(encoder.encode("\r\n"));
      body.close();
    },
  };
}
