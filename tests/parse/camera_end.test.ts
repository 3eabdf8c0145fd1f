// Replace pushes that end without the close delimiter (issue 14 item 4): cameras and
// `ffmpeg -f mpjpeg` never write `--B--`. An end right after a complete part is clean; an end
// inside a part still throws; multipart/mixed stays strict.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { MultipartParseError } from "../../lib/parse/errors.ts";
import { relay } from "../../lib/parse/relay.ts";
import { canSpawn, runtime } from "../_helpers/runtime.ts";

function replace(
  wire: string | Uint8Array,
  type = "multipart/x-mixed-replace;boundary=B",
): Response {
  const bytes = typeof wire === "string" ? Uint8Array.from(wire, (c) => c.charCodeAt(0)) : wire;
  return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": type } });
}

async function bodies(response: Response): Promise<string[]> {
  const out: string[] = [];
  for await (const part of parseParts(response)) out.push(part.text());
  return out;
}

async function truncated(response: Response, seen: string[]): Promise<void> {
  const out: string[] = [];
  await assert.rejects(
    async () => {
      for await (const part of parseParts(response)) out.push(part.text());
    },
    (error: unknown) => error instanceof MultipartParseError && error.code === "truncated",
  );
  assert.deepEqual(out, seen);
}

describe("parseParts: a replace push that ends without the close delimiter", () => {
  it("ends cleanly after a complete delimiter line", async () => {
    assert.deepEqual(await bodies(replace("--B\r\n\r\none\r\n--B\r\n\r\ntwo\r\n--B\r\n")), [
      "one",
      "two",
    ]);
  });

  it("ends cleanly after a delimiter whose line was cut", async () => {
    assert.deepEqual(await bodies(replace("--B\r\n\r\none\r\n--B")), ["one"]);
  });

  it("yields a last part whose Content-Length is filled, with or without its CRLF", async () => {
    for (const tail of ["", "\r\n", "\n"]) {
      const wire = `--B\r\n\r\none\r\n--B\r\nContent-Length: 3\r\n\r\ntwo${tail}`;
      assert.deepEqual(await bodies(replace(wire)), ["one", "two"], JSON.stringify(tail));
    }
  });

  it("still throws truncated for a stream cut inside a part, after the complete parts", async () => {
    await truncated(replace("--B\r\n\r\none\r\n--B\r\nContent-Length: 5\r\n\r\ntw"), ["one"]);
    await truncated(replace("--B\r\n\r\none\r\n--B\r\n\r\ntw"), ["one"]);
    await truncated(replace("--B\r\nContent-Length: 2\r\n\r\ntwo"), []);
    await truncated(replace("--B\r\n"), []);
  });

  it("stays strict for multipart/mixed", async () => {
    await truncated(replace("--B\r\n\r\none\r\n--B\r\n", "multipart/mixed;boundary=B"), ["one"]);
  });

  it("relay resolves with the count instead of rejecting", async () => {
    const seen: string[] = [];
    const count = await relay(
      replace(
        "--B\r\nContent-Type: image/jpeg\r\n\r\nA\r\n--B\r\nContent-Type: image/jpeg\r\n\r\nB\r\n--B\r\n",
      ),
      (part) => void seen.push(new TextDecoder().decode(part.body)),
    );
    assert.equal(count, 2);
    assert.deepEqual(seen, ["A", "B"]);
  });

  it(
    `reads ffmpeg -f mpjpeg output (no close delimiter) as N of N${
      canSpawn ? "" : ` (skipped on ${runtime}: no subprocesses)`
    }`,
    { skip: !canSpawn },
    async () => {
      const name = "node:child_process";
      const { execFile } = await import(name) as typeof import("node:child_process");
      const args = ["-v", "error", "-f", "lavfi", "-i", "color=red:s=32x32", "-frames:v", "3"];
      const out = await new Promise<Uint8Array>((resolve, reject) => {
        execFile(
          "ffmpeg",
          [...args, "-f", "mpjpeg", "-"],
          { encoding: "buffer" },
          (error, stdout) => {
            if (error) reject(error);
            else resolve(new Uint8Array(stdout));
          },
        );
      });
      const tail = new TextDecoder().decode(out.subarray(-12));
      assert.equal(tail, "\r\n--ffmpeg\r\n", "ffmpeg ends with a delimiter line, no close");
      const frames = await bodies(replace(out, "multipart/x-mixed-replace;boundary=ffmpeg"));
      assert.equal(frames.length, 3);
    },
  );
});
