import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { pushStream } from "../../lib/push/stream.ts";
import type { Part } from "../../lib/push/part.ts";
import { deferred, latin1, readText, within } from "../_helpers/streams.ts";

const text = (body: string, contentType = "text/plain"): Part => ({ contentType, body });
/** Browser framing's preamble: WebKit shows nothing before 512 body bytes (framing.ts). */
const P = `${" ".repeat(510)}\r\n`;
/** Reader framing, as a media reader gets it. */
const READER = { advanceHeaders: false } as const;

/** Yields `parts` `ms` apart (and waits `ms` after the last when `late`): when a push ends must not change its bytes. */
async function* spaced(parts: Part[], ms: number, late = false): AsyncGenerator<Part> {
  for (const [i, part] of parts.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    yield part;
  }
  if (late) await new Promise((resolve) => setTimeout(resolve, ms));
}

describe("pushStream wire format", () => {
  for (const late of [false, true]) {
    const when = late ? "a while after its last part" : "at once";
    it(`replace mode, reader framing, a source that ends ${when}: typed and sized parts, the last one again, the close`, async () => {
      const out = await readText(
        pushStream(spaced([text("a"), text("bb")], 10, late), { boundary: "B", ...READER }),
      );
      const bb = "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nbb\r\n--B";
      assert.equal(
        out,
        "\r\n--B\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\na\r\n--B" + bb + bb +
          "--\r\n",
      );
    });

    it(`replace mode, browser framing (the default), a source that ends ${when}: the preamble, each body with the next block, the last body again, the close`, async () => {
      const out = await readText(pushStream(spaced([text("a")], 10, late), { boundary: "B" }));
      assert.equal(
        out,
        `${P}--B\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\na\r\n--B\r\n` +
          "Content-Type: text/plain\r\n\r\na\r\n--B--\r\n",
      );
    });
  }

  it("mixed mode: a CRLF before every delimiter, close delimiter, no empty trailing part", async () => {
    const out = await readText(
      pushStream([text("a"), text("bb")], { boundary: "B", mode: "mixed" }),
    );
    assert.equal(
      out,
      "\r\n--B\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\na" +
        "\r\n--B\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nbb\r\n--B--\r\n",
    );
  });

  it("mixed mode with no parts is only the close delimiter", async () => {
    assert.equal(await readText(pushStream([], { boundary: "B", mode: "mixed" })), "\r\n--B--\r\n");
  });

  it("writes Content-Type, then Content-Length when the size is known, then the part's headers", async () => {
    const parts: Part[] = [
      { contentType: "a/b", body: new Blob(["xyz"]), headers: { "X-One": "1" } },
      { contentType: "a/b", body: new Response("streamed").body!, headers: [["X-Two", "2"]] },
      {
        contentType: "a/b",
        body: new Uint16Array([0x4141]),
        headers: new Headers({ "x-three": "3" }),
      },
    ];
    const out = await readText(pushStream(parts, { boundary: "B", ...READER }));
    const three = "\r\nContent-Type: a/b\r\nContent-Length: 2\r\nx-three: 3\r\n\r\nAA\r\n--B";
    assert.equal(
      out,
      "\r\n--B\r\nContent-Type: a/b\r\nContent-Length: 3\r\nX-One: 1\r\n\r\nxyz\r\n--B" +
        "\r\nContent-Type: a/b\r\nX-Two: 2\r\n\r\nstreamed\r\n--B" + three + three + "--\r\n",
    );
  });

  it("sends every body byte exactly, including CR, LF, dashes and NUL", async () => {
    const body = new Uint8Array(256).map((_, i) => i);
    const out = await readText(pushStream([{ contentType: "x/y", body }], { boundary: "B" }));
    assert.ok(
      out.endsWith(
        `\r\n\r\n${latin1(body)}\r\n--B\r\nContent-Type: x/y\r\n\r\n${latin1(body)}\r\n--B--\r\n`,
      ),
    );
  });

  it("scans each body for the caller's boundary on its own: a seam between two bodies is no match", async () => {
    const parts = [text("ends with \r\n--fra"), text("me--starts")];
    const out = await readText(pushStream(parts, { boundary: "frame", mode: "mixed" }));
    assert.ok(out.includes("ends with \r\n--fra\r\n--frame\r\n"));
  });

  it("accepts a sync iterable such as a generator", async () => {
    function* gen(): Generator<Part> {
      yield text("1");
      yield text("2");
    }
    const out = await readText(pushStream(gen(), { boundary: "B", mode: "mixed" }));
    assert.equal((out.match(/Content-Type/g) ?? []).length, 2);
  });
});

describe("pushStream advanceHeaders", () => {
  it("announces the next header block after each delimiter and sends matching parts without a head", async () => {
    const jpeg = (body: string): Part => ({ contentType: "image/jpeg", body });
    const out = await readText(
      pushStream(spaced([jpeg("a"), jpeg("bb")], 10), { boundary: "B", advanceHeaders: true }),
    );
    assert.equal(
      out,
      `${P}--B\r\nContent-Type: image/jpeg\r\nContent-Length: 1\r\n\r\na\r\n--B\r\nContent-Type: image/jpeg\r\n\r\n` +
        "bb\r\n--B\r\nContent-Type: image/jpeg\r\n\r\nbb\r\n--B--\r\n",
    );
  });

  it("fills the announced part with a repeat of the previous body when the next part's headers differ", async () => {
    const parts: Part[] = [
      { contentType: "image/jpeg", body: "a" },
      { contentType: "image/png", body: "p" },
      { contentType: "image/png", body: "q", headers: { "X-N": "3" } },
      { contentType: "image/png", body: "r", headers: { "X-N": "3" } },
    ];
    const out = await readText(
      pushStream(spaced(parts, 10), { boundary: "B", advanceHeaders: true }),
    );
    assert.equal(
      out,
      `${P}--B\r\nContent-Type: image/jpeg\r\nContent-Length: 1\r\n\r\na\r\n--B\r\nContent-Type: image/jpeg\r\n\r\n` +
        "a\r\n--B\r\nContent-Type: image/png\r\nContent-Length: 1\r\n\r\np\r\n--B\r\nContent-Type: image/png\r\n\r\n" +
        "p\r\n--B\r\nContent-Type: image/png\r\nContent-Length: 1\r\nX-N: 3\r\n\r\nq\r\n--B\r\nContent-Type: image/png\r\nX-N: 3\r\n\r\n" +
        "r\r\n--B\r\nContent-Type: image/png\r\nX-N: 3\r\n\r\nr\r\n--B--\r\n",
    );
  });

  it("repeats a streamed previous body too", async () => {
    const parts: Part[] = [
      { contentType: "text/plain", body: new Blob(["streamed"]).stream() },
      { contentType: "text/html", body: "h" },
    ];
    const out = await readText(
      pushStream(spaced(parts, 10), { boundary: "B", advanceHeaders: true }),
    );
    assert.equal(
      out,
      `${P}--B\r\nContent-Type: text/plain\r\n\r\nstreamed\r\n--B\r\nContent-Type: text/plain\r\n\r\n` +
        "streamed\r\n--B\r\nContent-Type: text/html\r\nContent-Length: 1\r\n\r\nh\r\n--B\r\n" +
        "Content-Type: text/html\r\n\r\nh\r\n--B--\r\n",
    );
  });

  it("never ends with an empty part: the announced part is filled with the last body, whenever the source ends", async () => {
    const { parseParts } = await import("../../lib/parse/parse_parts.ts");
    const frames = ["one", "two", "three"].map((body): Part => ({
      contentType: "image/jpeg",
      body,
    }));
    for (const late of [false, true]) {
      const stream = pushStream(spaced(frames, 10, late), { boundary: "B", advanceHeaders: true });
      const bodies: string[] = [];
      for await (const part of parseParts(stream, { boundary: "B" })) bodies.push(part.text());
      assert.deepEqual(bodies, ["one", "two", "three", "three"]);
    }
  });

  const cases: [string, HeadersInit, boolean][] = [
    ["Sec-Fetch-Dest: image", { "Sec-Fetch-Dest": "image" }, true],
    ["an Accept that asks for images first", { Accept: "image/avif,image/webp,*/*;q=0.8" }, true],
    ["Sec-Fetch-Dest: document", { "Sec-Fetch-Dest": "document", Accept: "image/png" }, true],
    ["Sec-Fetch-Dest: iframe", { "Sec-Fetch-Dest": "iframe" }, true],
    ["an Accept that asks for HTML first", { Accept: "text/html,application/xhtml+xml" }, true],
    ["Accept: */* (ffmpeg, VLC, curl)", { Accept: "*/*", "User-Agent": "Lavf/61.7.100" }, false],
    ["no Accept (GStreamer)", { "User-Agent": "GStreamer souphttpsrc" }, false],
    ["Sec-Fetch-Dest: empty (a fetch())", { "Sec-Fetch-Dest": "empty", Accept: "*/*" }, false],
    ["Accept: multipart/mixed first (pushInto)", {
      Accept: "multipart/mixed",
      "Sec-Fetch-Dest": "image",
    }, false],
  ];
  for (const [name, headers, on] of cases) {
    it(`defaults to ${on ? "on" : "off"} for a request with ${name}`, async () => {
      const request = new Request("http://localhost/", { headers });
      const parts = [text("a", "image/jpeg"), text("b", "image/jpeg")];
      const out = await readText(pushStream(spaced(parts, 10), { boundary: "B", request }));
      assert.equal(out.includes("Content-Length: 1\r\n\r\nb"), !on);
    });
  }

  it("defaults to on without a request (the design card's pushResponse(iter)), off in mixed mode", async () => {
    const request = new Request("http://localhost/", { headers: { "Sec-Fetch-Dest": "image" } });
    const mixed = await readText(
      pushStream(spaced([text("a"), text("b")], 10), { boundary: "B", mode: "mixed", request }),
    );
    assert.ok(mixed.includes("Content-Length: 1\r\n\r\nb"));
    const plain = await readText(pushStream(spaced([text("a"), text("b")], 10), { boundary: "B" }));
    assert.ok(!plain.includes("Content-Length: 1\r\n\r\nb"));
  });
});

describe("pushStream flushing and backpressure", () => {
  it("enqueues the delimiter line and the next header block with the part's last byte, before waiting for the next part", async () => {
    const gate = deferred();
    async function* source(): AsyncGenerator<Part> {
      yield text("first");
      await gate.promise;
      yield text("second");
    }
    const reader = pushStream(source(), { boundary: "B" }).getReader();
    let seen = "";
    while (!seen.endsWith("first\r\n--B\r\nContent-Type: text/plain\r\n\r\n")) {
      const { value } = await within(1000, "delimiter after first part", reader.read());
      seen += latin1(value!);
    }
    gate.resolve();
    await reader.cancel();
  });

  it("with a streamed body, sends the delimiter as soon as the body ends", async () => {
    const gate = deferred();
    async function* source(): AsyncGenerator<Part> {
      yield { contentType: "text/plain", body: new Blob(["abc"]).stream() };
      await gate.promise;
    }
    const reader = pushStream(source(), { boundary: "B" }).getReader();
    let seen = "";
    while (!seen.endsWith("abc\r\n--B\r\nContent-Type: text/plain\r\n\r\n")) {
      seen += latin1((await within(1000, "delimiter after streamed body", reader.read())).value!);
    }
    gate.resolve();
    await reader.cancel();
  });

  it("reads nothing from the source before the consumer asks, and one part per ask", async () => {
    let pulled = 0;
    const source: Iterable<Part> = {
      *[Symbol.iterator]() {
        for (;;) {
          pulled++;
          yield text(String(pulled));
        }
      },
    };
    const reader = pushStream(source, { boundary: "B" }).getReader();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pulled, 0, "nothing read before the first read()");
    assert.equal(
      latin1((await reader.read()).value!),
      `${P}--B\r\n`,
      "the opening boundary is there at once",
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pulled, 0, "the opening boundary needs no part");
    await reader.read();
    assert.equal(pulled, 1, "part 1 is one chunk: head, body, delimiter line and next block");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(pulled, 1, "it needs no second part");
    await reader.cancel();
  });

  it("sends a Uint8Array body in one chunk with its framing (one copy, one write) and streams a ReadableStream body through", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const chunk = new Uint8Array([4, 5]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunks: Uint8Array[] = [];
    for await (
      const c of pushStream([{ contentType: "a/b", body: bytes }, {
        contentType: "a/b",
        body: stream,
      }], { boundary: "B" })
    ) {
      chunks.push(c);
    }
    // Browser framing, chunk by chunk: the streamed body's header block was announced by the
    // first part, so nothing goes before its chunk; it repeats at the end.
    assert.deepEqual(chunks.map(latin1), [
      `${P}--B\r\n`,
      "Content-Type: a/b\r\nContent-Length: 3\r\n\r\n\x01\x02\x03\r\n--B\r\nContent-Type: a/b\r\n\r\n",
      "\x04\x05",
      "\r\n--B\r\nContent-Type: a/b\r\n\r\n",
      "\x04\x05",
      "\r\n--B--\r\n",
    ]);
    assert.equal(chunks[2], chunk, "stream chunk enqueued as is");
  });
});
