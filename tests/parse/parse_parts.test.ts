import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts, type ParsePartsOptions } from "../../lib/parse/parse_parts.ts";
import type { ReceivedPart } from "../../lib/parse/received_part.ts";
import { runtime } from "../_helpers/runtime.ts";

/** Bytes of a string with one byte per char (so tests can write binary). */
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const latin1 = (data: Uint8Array): string =>
  Array.from(data, (b) => String.fromCharCode(b)).join("");

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

type Got = { headers: [string, string][]; contentType: string | null; body: string };

function summary(part: ReceivedPart): Got {
  return { headers: [...part.headers], contentType: part.contentType, body: latin1(part.body) };
}

async function decode(wire: string, options: ParsePartsOptions, size: number): Promise<Got[]> {
  const out: Got[] = [];
  for await (const part of parseParts(chunked(bytes(wire), size), options)) out.push(summary(part));
  return out;
}

const typed = (contentType: string, body: string, more: [string, string][] = []): Got => ({
  headers: [["content-type", contentType], ...more].sort() as [string, string][],
  contentType,
  body,
});
const bare = (body: string): Got => ({ headers: [], contentType: null, body });

interface WireCase {
  name: string;
  boundary: string;
  wire: string;
  parts: Got[];
}

const cases: WireCase[] = [
  {
    name:
      "replace mode as our encoder sends it: the final empty headerless part is the close marker",
    boundary: "B",
    wire: "--B\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\na\r\n--B\r\n" +
      "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nbb\r\n--B\r\n\r\n--B--\r\n",
    parts: [
      typed("text/plain", "a", [["content-length", "1"]]),
      typed("text/plain", "bb", [["content-length", "2"]]),
    ],
  },
  {
    name: "mixed mode as our encoder sends it (leading CRLF)",
    boundary: "B",
    wire:
      "\r\n--B\r\nContent-Type: text/plain\r\n\r\na\r\n--B\r\nContent-Type: text/plain\r\n\r\nbb" +
      "\r\n--B--\r\n",
    parts: [typed("text/plain", "a"), typed("text/plain", "bb")],
  },
  {
    name: "preamble and epilogue are ignored, even when they look like boundaries",
    boundary: "B",
    wire: "This is the preamble. --B is not at a line start.\r\n--B\r\n\r\nx\r\n--B--\r\n" +
      "epilogue\r\n--B\r\n\r\nnot a part\r\n--B--\r\n",
    parts: [bare("x")],
  },
  {
    name: "LF-only line endings",
    boundary: "NEXT",
    wire: "--NEXT\nContent-type: text/html\n\n<p>one</p>\n--NEXT\nContent-type: text/html\n\n" +
      "<p>two</p>\n--NEXT--\n",
    parts: [typed("text/html", "<p>one</p>"), typed("text/html", "<p>two</p>")],
  },
  {
    name: "transport padding (spaces and tabs) after boundaries",
    boundary: "B",
    wire: "--B \t \r\n\r\na\r\n--B\t\r\n\r\nb\r\n--B--  \r\n",
    parts: [bare("a"), bare("b")],
  },
  {
    name: "a boundary that is a prefix of a longer line still delimits (RFC 2046)",
    boundary: "B",
    wire: "--B\r\n\r\none\r\n--Bxyz and more\r\n\r\ntwo\r\n--B--",
    parts: [bare("one"), bare("two")],
  },
  {
    name: "parts without headers, empty bodies and an empty part in the middle are yielded",
    boundary: "B",
    wire:
      "--B\r\n\r\n\r\n--B\r\n\r\n--B\r\nContent-Type: a/b\r\n\r\n\r\n--B\r\n\r\nlast\r\n--B--\r\n",
    parts: [bare(""), bare(""), typed("a/b", ""), bare("last")],
  },
  {
    name:
      "a boundary line right after a boundary line is an empty part; at the end, the close marker",
    boundary: "B",
    wire: "--B\r\n--B\r\nContent-Type: a/b\r\n\r\nx\r\n--B\r\n--B--\r\n",
    parts: [bare(""), typed("a/b", "x")],
  },
  {
    name: "a part that is only headers (no empty line) has an empty body",
    boundary: "B",
    wire: "--B\r\nContent-Type: text/plain\r\n--B--\r\n",
    parts: [typed("text/plain", "")],
  },
  {
    name: "header names in any case; values trimmed; folded lines joined; repeated fields joined",
    boundary: "B",
    wire:
      "--B\r\nCONTENT-type:   image/jpeg  \r\nx-Long: a\r\n\tb\r\nX-Two: 1\r\nx-two: 2\r\n\r\nJ" +
      "\r\n--B--",
    parts: [typed("image/jpeg", "J", [["x-long", "a b"], ["x-two", "1, 2"]])],
  },
  {
    name: "two Content-Type fields: part.contentType has both, joined as Headers joins them",
    boundary: "B",
    wire: "--B\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n--B--",
    parts: [typed("a/b, c/d", "x")],
  },
  {
    name: "Content-Length is not used for framing (here it counts UTF-16 units)",
    boundary: "B",
    wire:
      "--B\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nh\xc3\xa9llo \xf0\x9f\x98\x80\r\n--B--",
    parts: [typed("text/plain", "h\xc3\xa9llo \xf0\x9f\x98\x80", [["content-length", "5"]])],
  },
  {
    name: "binary bodies with CR, LF, NUL and near-boundaries are kept exactly",
    boundary: "B",
    wire: "--B\r\n\r\n\r\r\n\n\x00--B\r\n-B\n-\r\n--\r\n--C\r\n\r\n\xff\r\n--B--",
    parts: [bare("\r\r\n\n\x00--B\r\n-B\n-\r\n--\r\n--C\r\n\r\n\xff")],
  },
  {
    name: "boundary=--frame as cameras send it: lines are --frame (no extra dashes)",
    boundary: "--myboundary",
    wire: "--myboundary\r\nContent-Type: image/jpeg\r\nContent-Length: 2\r\n\r\n\xff\xd8\r\n" +
      "--myboundary\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd9\r\n--myboundary--\r\n",
    parts: [
      typed("image/jpeg", "\xff\xd8", [["content-length", "2"]]),
      typed("image/jpeg", "\xff\xd9"),
    ],
  },
  {
    name: "boundary=--x written by the RFC: lines are ----x",
    boundary: "--x",
    wire: "----x\r\n\r\na\r\n----x\r\n\r\nb\r\n----x--\r\n",
    parts: [bare("a"), bare("b")],
  },
  {
    name: "Netscape's 1995 shell script: boundary ---ThisRandomString---, LF only, echo'd lines",
    boundary: "---ThisRandomString---",
    wire: "---ThisRandomString---\nContent-type: text/html\n\n<h2>Processes</h2>\nPID 1\n" +
      "---ThisRandomString---\nContent-type: text/html\n\n<h2>Processes</h2>\nPID 2\n" +
      "---ThisRandomString-----\n",
    parts: [
      typed("text/html", "<h2>Processes</h2>\nPID 1"),
      typed("text/html", "<h2>Processes</h2>\nPID 2"),
    ],
  },
  {
    name: "a long boundary with characters RFC 2046 allows (quotes stripped by the caller)",
    boundary: "simple boundary'()+_,-./:=?",
    wire: "--simple boundary'()+_,-./:=?\r\n\r\nz\r\n--simple boundary'()+_,-./:=?--",
    parts: [bare("z")],
  },
];

describe("parseParts: hand-written wire cases, fed whole and one byte at a time", () => {
  for (const c of cases) {
    for (const size of [Infinity, 1, 2, 7]) {
      const feed = size === Infinity ? "whole" : `${size}-byte chunks`;
      it(`${c.name} (${feed})`, async () => {
        const got = await decode(c.wire, { boundary: c.boundary }, size);
        for (const part of got) part.headers.sort();
        assert.deepEqual(got, c.parts);
      });
    }
  }
});

describe("parseParts: inputs", () => {
  const wire = "--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B--\r\n";

  it("reads a Response, taking the boundary from its Content-Type (quoted, any case)", async () => {
    const response = new Response(wire, {
      headers: { "content-type": 'multipart/x-mixed-replace; BOUNDARY="B"' },
    });
    const got: string[] = [];
    for await (const part of parseParts(response)) got.push(part.text());
    assert.deepEqual(got, ["hi"]);
  });

  it("reads a Response with boundary=--x (camera style)", async () => {
    const response = new Response("--frame\r\n\r\nA\r\n--frame--\r\n", {
      headers: { "content-type": "multipart/x-mixed-replace;boundary=--frame" },
    });
    const got: string[] = [];
    for await (const part of parseParts(response)) got.push(part.text());
    assert.deepEqual(got, ["A"]);
  });

  it("options.boundary wins over the Response's Content-Type", async () => {
    const response = new Response(wire, {
      headers: { "content-type": "multipart/mixed;boundary=X" },
    });
    const got: string[] = [];
    for await (const part of parseParts(response, { boundary: "B" })) got.push(part.text());
    assert.deepEqual(got, ["hi"]);
  });

  it("reads a ReadableStream", async () => {
    const got: string[] = [];
    for await (const part of parseParts(new Response(wire).body!, { boundary: "B" })) {
      got.push(part.text());
    }
    assert.deepEqual(got, ["hi"]);
  });

  it("text(), json() and blob() read the body", async () => {
    const response = new Response(
      '--B\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{"a":[1,"\xe9"]}\r\n--B--',
      { headers: { "content-type": "multipart/mixed;boundary=B" } },
    );
    const [part] = await Array.fromAsync(parseParts(response));
    assert.equal(part.text(), '{"a":[1,"\xe9"]}');
    assert.deepEqual(part.json(), { a: [1, "\xe9"] });
    const blob = part.blob();
    assert.equal(blob.type, "application/json; charset=utf-8");
    assert.equal(await blob.text(), '{"a":[1,"\xe9"]}');
  });
});

describe("parseParts: zero-copy and latency", () => {
  it("a part inside one chunk is a view of it; a part spanning chunks is one copy", async () => {
    const first = bytes("--B\r\n\r\nsmall\r\n--B\r\n\r\nbig-");
    const second = bytes("part\r\n--B--");
    async function* source() {
      yield first;
      yield second;
    }
    const [small, big] = await Array.fromAsync(parseParts(source(), { boundary: "B" }));
    assert.equal(small.body.buffer, first.buffer);
    assert.equal(small.body.byteOffset, 7);
    assert.equal(latin1(big.body), "big-part");
    assert.notEqual(big.body.buffer, first.buffer);
    assert.notEqual(big.body.buffer, second.buffer);
  });

  it("yields a part as soon as CRLF--boundary arrives, before the next chunk is produced", async () => {
    let pulls = 0;
    const chunks = ["\r\n--B\r\nContent-Type: application/json\r\n\r\n{}", "\r\n--B"];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // After two chunks the producer stalls for good (a router between heartbeats).
        if (pulls < chunks.length) controller.enqueue(bytes(chunks[pulls]));
        pulls++;
        return pulls > chunks.length ? new Promise(() => {}) : undefined;
      },
    }, { highWaterMark: 0 });
    const parts = parseParts(stream, { boundary: "B" });
    const first = await parts.next();
    assert.equal(first.done, false);
    assert.deepEqual((first.value as ReceivedPart).json(), {});
    assert.ok(pulls <= chunks.length + 1, `read ${pulls} chunks`);
    await parts.return!();
  });

  it("the same with the delimiter arriving one byte at a time", async () => {
    const delimiter = "\r\n--B";
    const produced: number[] = [];
    let release!: () => void;
    const stall = new Promise<void>((resolve) => (release = resolve));
    async function* source() {
      yield bytes("--B\r\n\r\nframe");
      for (let i = 0; i < delimiter.length; i++) {
        produced.push(i);
        yield bytes(delimiter[i]);
      }
      await stall;
      yield bytes("--");
    }
    const parts = parseParts(source(), { boundary: "B" });
    const first = await parts.next();
    assert.equal(latin1((first.value as ReceivedPart).body), "frame");
    assert.equal(produced.length, delimiter.length);
    release();
    assert.deepEqual(await parts.next(), { done: true, value: undefined });
  });
});

describe("parseParts: stopping", () => {
  it("break cancels the underlying stream", async () => {
    let cancelled: unknown = "not cancelled";
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("--B\r\n\r\none\r\n--B\r\n\r\ntwo"));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    for await (const part of parseParts(stream, { boundary: "B" })) {
      assert.equal(part.text(), "one");
      break;
    }
    assert.equal(cancelled, undefined);
  });

  it("break calls return() on an async iterable input", async () => {
    let finished = false;
    async function* source() {
      try {
        yield bytes("--B\r\n\r\none\r\n--B\r\n");
        yield bytes("\r\nnever read");
      } finally {
        finished = true;
      }
    }
    for await (const _ of parseParts(source(), { boundary: "B" })) break;
    assert.equal(finished, true);
  });

  it("aborting the signal rejects the pending read with its reason and cancels the stream", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("--B\r\n\r\none\r\n--B\r\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const parts = parseParts(stream, { boundary: "B", signal: controller.signal });
    assert.equal((await parts.next()).done, false);
    const pending = parts.next();
    const reason = new Error("user left");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    assert.equal(cancelled, true);
    assert.deepEqual(await parts.next(), { done: true, value: undefined });
  });

  it("aborting the signal rejects a pending read of an async iterable and calls its return()", async () => {
    let returned = false;
    let reads = 0;
    const iterable: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          reads++ === 0
            ? Promise.resolve({ done: false, value: bytes("--B\r\n\r\none\r\n--B\r\n") })
            : new Promise<IteratorResult<Uint8Array>>(() => {}), // a source that went quiet
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const controller = new AbortController();
    const parts = parseParts(iterable, { boundary: "B", signal: controller.signal });
    assert.equal((await parts.next()).done, false);
    const pending = parts.next();
    const reason = new Error("user left");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    assert.equal(returned, true);
    assert.deepEqual(await parts.next(), { done: true, value: undefined });
  });

  it("aborting the signal rejects a pending read of a Response and cancels its body", async () => {
    let cancelled: unknown = "not cancelled";
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("--B\r\n\r\none\r\n--B\r\n"));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const response = new Response(body, {
      headers: { "content-type": "multipart/x-mixed-replace;boundary=B" },
    });
    const controller = new AbortController();
    const parts = parseParts(response, { signal: controller.signal });
    assert.equal((await parts.next()).done, false);
    const pending = parts.next();
    const reason = new Error("user left");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    assert.equal(cancelled, reason);
  });

  it("an already aborted signal rejects the first next() and cancels the input", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const parts = parseParts(stream, { boundary: "B", signal: AbortSignal.abort() });
    await assert.rejects(parts.next(), (error: Error) => error.name === "AbortError");
    assert.equal(cancelled, true);
  });

  it("after the close delimiter the input is cancelled, not read to its end", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes("--B\r\n\r\nlast\r\n--B--\r\n"));
      },
      pull() {
        return new Promise(() => {}); // an epilogue that never ends
      },
      cancel() {
        cancelled = true;
      },
    });
    const got = await Array.fromAsync(parseParts(stream, { boundary: "B" }), (p) => p.text());
    assert.deepEqual(got, ["last"]);
    assert.equal(cancelled, true);
  });

  it("concurrent next() calls get the parts in order", async () => {
    const wire = "--B\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B\r\n\r\n3\r\n--B--";
    const parts = parseParts(chunked(bytes(wire), 3), { boundary: "B" });
    const results = await Promise.all([parts.next(), parts.next(), parts.next(), parts.next()]);
    assert.deepEqual(
      results.map((r) => (r.done ? "done" : (r.value as ReceivedPart).text())),
      ["1", "2", "3", "done"],
    );
  });
});

async function* cut(data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  for (let i = 0, offset = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length];
    yield data.slice(offset, offset + size);
    offset += size;
  }
}

describe("parseParts: parts spanning many chunks", () => {
  it("large binary parts split into tiny and large chunks alike come back exactly", async () => {
    const body = new Uint8Array(50_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 251;
    const head = bytes("--B\r\nContent-Type: application/octet-stream\r\n\r\n");
    const tail = bytes("\r\n--B\r\n\r\nsecond\r\n--B--");
    const wire = new Uint8Array(head.length + body.length + tail.length);
    wire.set(head);
    wire.set(body, head.length);
    wire.set(tail, head.length + body.length);
    for (const sizes of [[1, 3000, 7, 2000, 500], [1], [1023, 1024, 1]]) {
      const parts = await Array.fromAsync(parseParts(cut(wire, sizes), { boundary: "B" }));
      assert.equal(parts.length, 2, `sizes ${sizes}`);
      assert.deepEqual(parts[0].body, body, `sizes ${sizes}`);
      assert.equal(parts[1].text(), "second");
    }
  });
});

/** A full collection where the runtime exposes one (node --expose-gc, Bun), else undefined. */
const collectGarbage: (() => void) | undefined = (() => {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (typeof g.gc === "function") return () => g.gc!();
  if (g.Bun !== undefined) return () => g.Bun!.gc(true);
  return undefined;
})();

const noGcReason = collectGarbage !== undefined
  ? ""
  : ` (skipped on ${runtime}: no gc exposed${runtime === "node" ? " without --expose-gc" : ""})`;

describe("parseParts: memory", () => {
  it(
    `a live signal does not keep the chunks already read alive${noGcReason}`,
    { skip: collectGarbage === undefined },
    async () => {
      const CHUNKS = 64;
      const watched: WeakRef<Uint8Array>[] = [];
      let sent = 0;
      // Each chunk is a whole part, freshly allocated as a network read would be.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes("--B\r\n\r\n"));
        },
        pull(controller) {
          if (sent++ === CHUNKS) {
            controller.enqueue(bytes("--B--\r\n"));
            controller.close();
            return;
          }
          const chunk = new Uint8Array(16 * 1024 + 9).fill(0x41);
          chunk.set(bytes("\r\n--B\r\n\r\n"), chunk.length - 9);
          if (sent <= CHUNKS / 2) watched.push(new WeakRef(chunk));
          controller.enqueue(chunk);
        },
      }, { highWaterMark: 0 });
      const abort = new AbortController(); // never aborted, outlives the read like a page's signal
      let parts = 0;
      for await (const _ of parseParts(stream, { boundary: "B", signal: abort.signal })) parts++;
      assert.equal(parts, CHUNKS);
      // WeakRef targets stay alive until the job that made or read them ends.
      await new Promise((resolve) => setTimeout(resolve, 0));
      collectGarbage!();
      const kept = watched.filter((ref) => ref.deref() !== undefined).length;
      // Bun's collector scans the stack conservatively and may keep one or two by chance; the
      // leak this guards against kept every one of them.
      assert.ok(kept <= 2, `${kept} of the first ${watched.length} chunks still alive`);
      assert.equal(abort.signal.aborted, false);
    },
  );
});
