// ingest() and hub.ingest() in one process: every format, every refusal with its status and
// message, the one-publisher slot, idle timeout, and viewers keeping the last good frame.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ingest } from "../../lib/ingest/ingest.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { concatBytes } from "../../lib/shared/bytes.ts";
import type { Part } from "../../lib/push/part.ts";
import { runtime } from "../_helpers/runtime.ts";
import { delay } from "../_helpers/streams.ts";
import { feed, JPEGS, multipart, PNG, upload, WEBP } from "./_uploads.ts";

type Case = {
  name: string;
  request: () => Request;
  status: number;
  message?: RegExp;
  frames: number;
  options?: Parameters<typeof ingest>[2];
};

const MIXED = "multipart/x-mixed-replace;boundary=ffmpeg";
const big = new Uint8Array(2000);

const CASES: Case[] = [
  {
    name: "multipart with close delimiter",
    request: () => upload(multipart(JPEGS), MIXED),
    status: 204,
    frames: 3,
  },
  {
    name: "multipart/mixed ending like ffmpeg",
    request: () => upload(multipart(JPEGS, "ffmpeg"), "multipart/mixed; boundary=ffmpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "multipart cut inside a part",
    request: () => upload(multipart(JPEGS.slice(0, 2), "cut"), MIXED),
    status: 400,
    message: /^400 malformed multipart upload: multipart stream ended inside part 3/,
    frames: 2,
  },
  {
    name: "multipart with a malformed header",
    request: () =>
      upload(
        concatBytes([
          multipart(JPEGS.slice(0, 1), "ffmpeg").subarray(0, -4),
          new TextEncoder().encode("\r\nno colon here\r\n\r\nx\r\n--ffmpeg--"),
        ]),
        MIXED,
      ),
    status: 400,
    message: /^400 malformed multipart upload: .*header/i,
    frames: 1,
  },
  {
    name: "multipart part without Content-Type",
    request: () =>
      upload(
        new TextEncoder().encode("--b\r\nX-A: 1\r\n\r\nbody\r\n--b--"),
        "multipart/mixed;boundary=b",
      ),
    status: 400,
    message: /^400 part 1 has no Content-Type/,
    frames: 0,
  },
  {
    name: "multipart part over maxFrameSize",
    options: { maxFrameSize: 1500 },
    request: () => upload(multipart([JPEGS[0], big, JPEGS[1]]), MIXED),
    status: 413,
    message: /^413 frame 2 is larger than maxFrameSize \(1500 bytes\)/,
    frames: 1,
  },
  {
    name: "multipart without boundary",
    request: () => upload(multipart(JPEGS), "multipart/x-mixed-replace"),
    status: 400,
    message: /needs a boundary parameter/,
    frames: 0,
  },
  {
    name: "multipart with an impossible boundary",
    request: () => upload(multipart(JPEGS), `multipart/mixed;boundary=${"x".repeat(300)}`),
    status: 400,
    message: /^400 bad multipart boundary: boundary must be 1 to 256/,
    frames: 0,
  },
  { name: "one image/jpeg", request: () => upload(JPEGS[0], "image/jpeg"), status: 204, frames: 1 },
  {
    name: "raw MJPEG as image/jpeg",
    request: () => upload(concatBytes(JPEGS), "image/jpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "raw MJPEG as video/x-motion-jpeg",
    request: () => upload(concatBytes(JPEGS), "video/x-motion-jpeg"),
    status: 204,
    frames: 3,
  },
  {
    name: "raw MJPEG as application/octet-stream",
    request: () => upload(concatBytes(JPEGS), "application/octet-stream"),
    status: 204,
    frames: 3,
  },
  {
    name: "image/jpeg that is not JPEG",
    request: () => upload("hello", "image/jpeg"),
    status: 400,
    message: /no complete JPEG picture/,
    frames: 0,
  },
  {
    name: "MJPEG frame over maxFrameSize",
    options: { maxFrameSize: 100 },
    request: () => upload(concatBytes(JPEGS), "image/jpeg"),
    status: 413,
    message: /^413 frame 1 is larger than maxFrameSize \(100 bytes\)/,
    frames: 0,
  },
  { name: "one image/png", request: () => upload(PNG, "image/png"), status: 204, frames: 1 },
  { name: "one image/webp", request: () => upload(WEBP, "image/webp"), status: 204, frames: 1 },
  {
    name: "image/png that is not PNG",
    request: () => upload(JPEGS[0], "image/png"),
    status: 400,
    message: /^400 the upload is not image\/png: its first bytes/,
    frames: 0,
  },
  {
    name: "image/png over maxFrameSize (Content-Length)",
    options: { maxFrameSize: 10 },
    request: () => upload(PNG, "image/png", { headers: { "content-length": String(PNG.length) } }),
    status: 413,
    message: /^413 the frame is larger than maxFrameSize \(10 bytes\)/,
    frames: 0,
  },
  {
    name: "image/webp over maxFrameSize (streamed)",
    options: { maxFrameSize: 10 },
    request: () => upload(new Blob([WEBP as BlobPart]).stream(), "image/webp"),
    status: 413,
    message: /^413 frame 1 is larger/,
    frames: 0,
  },
  {
    name: "text/plain",
    request: () => upload("x", "text/plain"),
    status: 415,
    message:
      /^415 cannot read an upload of type "text\/plain"; accepted: multipart\/x-mixed-replace/,
    frames: 0,
  },
  {
    name: "no Content-Type",
    request: () => upload(new Uint8Array([1])),
    status: 415,
    message: /cannot read an upload without a Content-Type/,
    frames: 0,
  },
  {
    name: "GET",
    request: () => new Request("http://cam.example/ingest"),
    status: 405,
    message: /^405 an upload is a POST or PUT, got GET/,
    frames: 0,
  },
  {
    name: "PUT",
    request: () => upload(JPEGS[0], "image/jpeg", { method: "PUT" }),
    status: 204,
    frames: 1,
  },
  {
    name: "POST without a body",
    request: () => upload(null, "image/jpeg"),
    status: 400,
    message: /^400 the upload has no body/,
    frames: 0,
  },
  {
    name: "authorize false",
    options: { authorize: () => false },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 403,
    message: /^403 this request may not publish/,
    frames: 0,
  },
  {
    name: "authorize's own Response",
    options: { authorize: () => new Response("login first", { status: 401 }) },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 401,
    message: /^login first$/,
    frames: 0,
  },
  {
    name: "authorize throws",
    options: {
      authorize: () => {
        throw new Error("db down");
      },
    },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 500,
    message: /^500 authorize failed: db down/,
    frames: 0,
  },
  {
    name: "authorize returns junk",
    options: { authorize: () => "yes" as never },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 500,
    message: /authorize must return true, false or a Response, got the string "yes"\n$/,
    frames: 0,
  },
  {
    name: "authorize async true",
    options: { authorize: () => Promise.resolve(true) },
    request: () => upload(JPEGS[0], "image/jpeg"),
    status: 204,
    frames: 1,
  },
];

describe(`ingest (${runtime})`, () => {
  it("each upload gets its status and message; frames before a fault are published", async () => {
    for (const c of CASES) {
      const frames: Part[] = [];
      const answer = await ingest(
        c.request(),
        { publish: (part) => void frames.push(part) },
        c.options,
      );
      const body = await answer.text();
      assert.equal(answer.status, c.status, `${c.name}: ${body}`);
      if (c.message) assert.match(body, c.message, c.name);
      assert.equal(frames.length, c.frames, c.name);
      if (c.status === 204) assert.equal(answer.headers.get("x-ingest-frames"), String(c.frames));
      if (c.status === 415) assert.match(answer.headers.get("accept")!, /image\/webp/);
      if (c.status === 405) assert.equal(answer.headers.get("allow"), "POST, PUT");
    }
  });

  it("publishes each multipart frame as it arrives, and awaits a returned promise", async () => {
    const body = feed();
    const seen: number[] = [];
    let release = (): void => {};
    const answer = ingest(upload(body.stream, MIXED), {
      publish: (part) => {
        seen.push((part.body as Uint8Array).length);
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const bytes = multipart(JPEGS);
    const firstEnd = bytes.indexOf(0x2d, 20 + JPEGS[0].length) + 8; // into the second boundary line
    body.push(bytes.subarray(0, firstEnd));
    await delay(50);
    assert.deepEqual(seen, [JPEGS[0].length]);
    body.push(bytes.subarray(firstEnd));
    body.close();
    await delay(50);
    assert.equal(seen.length, 1, "the next frame waits for publish's promise");
    for (let i = 0; i < 3; i++) {
      release();
      await delay(10);
    }
    assert.equal((await answer).status, 204);
    assert.equal(seen.length, 3);
  });

  it("a publish() that throws answers 500 and stops reading", async () => {
    const answer = await ingest(upload(concatBytes(JPEGS), "image/jpeg"), {
      publish: () => {
        throw new RangeError("no room");
      },
    });
    assert.equal(answer.status, 500);
    assert.match(await answer.text(), /^500 publish\(\) refused frame 1: no room/);
  });

  it("a silent upload is cut with 408 after idleTimeout", async () => {
    const body = feed();
    body.push(JPEGS[0]);
    const start = Date.now();
    const answer = await ingest(upload(body.stream, "image/jpeg"), { publish: () => {} }, {
      idleTimeout: 200,
    });
    const took = Date.now() - start;
    assert.equal(answer.status, 408);
    assert.match(await answer.text(), /^408 no bytes arrived for 200 ms/);
    assert.equal(answer.headers.get("x-ingest-frames"), "1");
    assert.ok(took >= 190 && took < 2000, `${took} ms`);
  });

  it("bad arguments throw at once, naming the argument, the rule and what was given", () => {
    const ok = upload(JPEGS[0], "image/jpeg");
    const target = { publish: () => {} };
    const table: [() => unknown, ErrorConstructor, RegExp][] = [
      [
        () => ingest("/ingest" as never, target),
        TypeError,
        /^request must be a Request, got the string "\/ingest"/,
      ],
      [
        () => ingest(ok, {} as never),
        TypeError,
        /^target must have a publish\(part\) method .*got an object/,
      ],
      [() => ingest(ok, null as never), TypeError, /got null/],
      [
        () => ingest(ok, target, "x" as never),
        TypeError,
        /^options must be an object, got the string "x"/,
      ],
      [
        () => ingest(ok, target, { maxFrameSize: "100" as never }),
        RangeError,
        /^options.maxFrameSize must be a whole number of bytes >= 4, got the string "100"/,
      ],
      [() => ingest(ok, target, { maxFrameSize: 3 }), RangeError, /got 3/],
      [
        () => ingest(ok, target, { idleTimeout: 0 }),
        RangeError,
        /^options.idleTimeout must be milliseconds > 0 .*got 0/,
      ],
      [() => ingest(ok, target, { idleTimeout: 2 ** 31 }), RangeError, /at most 2147483647/],
      [
        () => ingest(ok, target, { signal: {} as never }),
        TypeError,
        /^options.signal must be an AbortSignal, got an object/,
      ],
      [
        () => ingest(ok, target, { authorize: "token" as never }),
        TypeError,
        /^options.authorize must be a function, got the string "token"/,
      ],
      [
        () => new PushHub().ingest(ok, { allowTakeover: "yes" as never }),
        TypeError,
        /^options.allowTakeover must be a boolean, got the string "yes"/,
      ],
      [
        () => new PushHub().ingest(42 as never),
        TypeError,
        /^request must be a Request, got 42/,
      ],
    ];
    for (const [call, type, message] of table) {
      assert.throws(call, (error: Error) => {
        assert.ok(error instanceof type, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
    }
  });
});

describe(`hub.ingest (${runtime})`, () => {
  it("one publisher at a time: 409 for a second; allowTakeover cuts the first with 409", async () => {
    const hub = new PushHub();
    const first = feed();
    first.push(JPEGS[0]);
    const firstAnswer = hub.ingest(upload(first.stream, "image/jpeg"));
    await delay(20);
    const second = await hub.ingest(upload(JPEGS[1], "image/jpeg"));
    assert.equal(second.status, 409);
    assert.match(await second.text(), /^409 another publisher is live on this hub/);
    const third = hub.ingest(upload(concatBytes([JPEGS[2]]), "image/jpeg"), {
      allowTakeover: true,
    });
    const cut = await firstAnswer;
    assert.equal(cut.status, 409);
    assert.match(await cut.text(), /^409 another publisher took over/);
    assert.equal((await third).status, 204);
    const still = new Uint8Array(await hub.snapshot().arrayBuffer());
    assert.deepEqual(still, JPEGS[2]);
    // The slot is free again.
    assert.equal((await hub.ingest(upload(JPEGS[0], "image/jpeg"))).status, 204);
    hub.close();
  });

  it("a bad upload leaves viewers the last good frame and the hub serving", async () => {
    const hub = new PushHub({ keepAlive: Infinity });
    const viewer = hub.response(new Request("http://cam.example/"));
    assert.equal(
      (await hub.ingest(upload(multipart(JPEGS.slice(0, 2), "cut"), MIXED))).status,
      400,
    );
    assert.deepEqual(new Uint8Array(await hub.snapshot().arrayBuffer()), JPEGS[1]);
    assert.equal((await hub.ingest(upload(JPEGS[2], "image/jpeg"))).status, 204);
    const late = hub.response(new Request("http://cam.example/"));
    hub.close();
    const bodies = async (r: Response): Promise<Uint8Array[]> => {
      const out: Uint8Array[] = [];
      for await (const part of parseParts(r)) out.push(part.body);
      return out;
    };
    assert.deepEqual(await bodies(late), [JPEGS[2]]);
    assert.deepEqual((await bodies(viewer)).at(-1), JPEGS[2]);
  });

  it("aborting options.signal stops the upload with 503 (ingest and hub.ingest)", async () => {
    for (const hubbed of [false, true]) {
      const hub = new PushHub();
      const body = feed();
      body.push(JPEGS[0]);
      const controller = new AbortController();
      const request = upload(body.stream, "image/jpeg");
      const live = hubbed
        ? hub.ingest(request, { signal: controller.signal })
        : ingest(request, hub, { signal: controller.signal });
      await delay(20);
      controller.abort(new Error("maintenance"));
      const answer = await live;
      assert.equal(answer.status, 503);
      assert.match(await answer.text(), /^503 Error: maintenance/);
      assert.equal(answer.headers.get("x-ingest-frames"), "1");
      hub.close();
    }
  });

  it("close() cuts the live upload with 503 and refuses later ones", async () => {
    const hub = new PushHub();
    const body = feed();
    const live = hub.ingest(upload(body.stream, "image/jpeg"));
    await delay(20);
    hub.close();
    const answer = await live;
    assert.equal(answer.status, 503);
    assert.match(await answer.text(), /^503 the hub was closed/);
    const later = await hub.ingest(upload(JPEGS[0], "image/jpeg"));
    assert.equal(later.status, 503);
  });
});
