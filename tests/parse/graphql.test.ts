/**
 * GraphQL incremental delivery (`@defer`, `@stream`, subscriptions over multipart) as the main
 * servers write it. Each server's writes are kept as separate chunks, in the order and with the
 * bytes their sources produce, and fed as written, whole, and one byte at a time.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import { boundaryFromContentType } from "../../lib/parse/content_type_boundary.ts";

const encoder = new TextEncoder();
const initial = { data: { user: { id: "1" } }, hasNext: true };
const subsequent = {
  incremental: [{ data: { name: "Ada \u00e9\u{1f600}" }, path: ["user"] }],
  hasNext: false,
};
const json = (value: unknown): string => JSON.stringify(value);

interface Server {
  name: string;
  contentType: string;
  /** The server's writes, one chunk each. */
  writes: string[];
  /** The JSON payloads a client must see. */
  payloads: unknown[];
}

const servers: Server[] = [
  {
    // @apollo/server 4 (writeMultipartBody): boundary "-", every part ends its own delimiter line.
    name: "Apollo Server 4",
    contentType: 'multipart/mixed; boundary="-"; deferSpec=20220824',
    writes: [
      `\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json(initial)}\r\n---\r\n`,
      `content-type: application/json; charset=utf-8\r\n\r\n${json(subsequent)}\r\n-----\r\n`,
    ],
    payloads: [initial, subsequent],
  },
  {
    // GraphQL Yoga (processMultipartResult): small writes, Content-Length, an empty part at the end.
    name: "GraphQL Yoga",
    contentType: 'multipart/mixed; boundary="-"',
    writes: [
      "\r\n",
      "---",
      ...[initial, subsequent].flatMap((value) => [
        "\r\n",
        "Content-Type: application/json; charset=utf-8",
        "\r\n",
        `Content-Length: ${encoder.encode(json(value)).length}`,
        "\r\n",
        "\r\n",
        json(value),
        "\r\n",
        "---",
      ]),
      "\r\n-----\r\n",
    ],
    payloads: [initial, subsequent],
  },
  {
    // graphql-helix (sendMultipartResponseResult): "---" first, the last part has no delimiter.
    name: "graphql-helix",
    contentType: 'multipart/mixed; boundary="-"',
    writes: [
      "---",
      [
        "",
        "Content-Type: application/json; charset=utf-8",
        `Content-Length: ${encoder.encode(json(initial)).length}`,
        "",
        json(initial),
        "---",
      ].join("\r\n"),
      [
        "",
        "Content-Type: application/json; charset=utf-8",
        `Content-Length: ${encoder.encode(json(subsequent)).length}`,
        "",
        json(subsequent),
      ].join("\r\n"),
      "\r\n-----\r\n",
    ],
    payloads: [initial, subsequent],
  },
  {
    // Apollo Router (protocols/multipart.rs), defer mode: boundary "graphql".
    name: "Apollo Router (@defer)",
    contentType: 'multipart/mixed;boundary="graphql";deferSpec=20220824',
    writes: [
      `\r\n--graphql\r\ncontent-type: application/json\r\n\r\n${json(initial)}\r\n--graphql`,
      `\r\ncontent-type: application/json\r\n\r\n${json(subsequent)}\r\n--graphql--\r\n`,
    ],
    payloads: [initial, subsequent],
  },
  {
    // Apollo Router, subscription mode: `{}` heartbeats every 5 s, `--\r\n` to close.
    name: "Apollo Router (subscription with heartbeats)",
    contentType: 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    writes: [
      "\r\n--graphql\r\ncontent-type: application/json\r\n\r\n{}\r\n--graphql",
      `\r\ncontent-type: application/json\r\n\r\n${
        json({ payload: { data: { n: 1 } } })
      }\r\n--graphql`,
      "\r\ncontent-type: application/json\r\n\r\n{}\r\n--graphql",
      "--\r\n",
    ],
    payloads: [{}, { payload: { data: { n: 1 } } }, {}],
  },
];

function response(server: Server, split: (writes: string[]) => Uint8Array[]): Response {
  const chunks = split(server.writes);
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(body, { headers: { "content-type": server.contentType } });
}

const feeds: [string, (writes: string[]) => Uint8Array[]][] = [
  ["as written", (writes) => writes.map((w) => encoder.encode(w))],
  ["whole", (writes) => [encoder.encode(writes.join(""))]],
  [
    "one byte at a time",
    (writes) => Array.from(encoder.encode(writes.join("")), (b) => Uint8Array.of(b)),
  ],
];

describe("parseParts: GraphQL incremental delivery from real servers", () => {
  for (const server of servers) {
    for (const [feed, split] of feeds) {
      it(`${server.name} (${feed})`, async () => {
        const got: unknown[] = [];
        for await (const part of parseParts(response(server, split))) {
          assert.match(part.contentType ?? "", /^application\/json/);
          got.push(part.json());
        }
        assert.deepEqual(got, server.payloads);
      });
    }
  }

  it("each payload arrives with the write that ends it, not with the next one", async () => {
    for (const server of servers) {
      const writes = server.writes.map((w) => encoder.encode(w));
      let written = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (written < writes.length) controller.enqueue(writes[written++]);
          else controller.close();
        },
      }, { highWaterMark: 0 });
      const seenAfter: number[] = [];
      const parts = parseParts(body, { boundary: boundaryFromContentType(server.contentType)! });
      for await (const _ of parts) seenAfter.push(written);
      // Apollo Server ends a part's line in the same write; Yoga and helix write "---" last.
      const expected = {
        "Apollo Server 4": [1, 2],
        "GraphQL Yoga": [11, 20],
        "graphql-helix": [2, 4],
        "Apollo Router (@defer)": [1, 2],
        "Apollo Router (subscription with heartbeats)": [1, 2, 3],
      }[server.name];
      assert.deepEqual(seenAfter, expected, server.name);
    }
  });
});
