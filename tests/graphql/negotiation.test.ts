/**
 * The negotiation table: each Accept header real clients send, against each kind of result
 * graphql-js 17 produces, gives the status, Content-Type and format listed (printed as a table).
 * A hostile Accept costs time linear in its length (issue 20, finding 2): the parser reads each
 * character once, which a test counts instead of timing.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlResponse } from "../../lib/graphql/mod.ts";
import { negotiate } from "../../lib/graphql/negotiate.ts";
import { ACCEPT } from "./_accept.ts";
import { DEFER_QUERY, execute, SUBSCRIPTION } from "./_schema.ts";

type Kind = "single" | "incremental" | "subscription";
// Each cell: the status and Content-Type of the answer.
const G = "200 application/graphql-response+json; charset=utf-8";
const J = "200 application/json; charset=utf-8";
const L = '200 multipart/mixed;boundary="-";deferSpec=20220824';
const I = '200 multipart/mixed;boundary="-";incrementalSpec=v0.2';
const S = '200 multipart/mixed;boundary="-";subscriptionSpec=1.0';
const NO = "406 application/json; charset=utf-8";

/** Accept → "status Content-Type" for a [single, incremental, subscription] result. */
const TABLE: [string, string | null, [string, string, string]][] = [
  ["Apollo Client 4, query", ACCEPT.apolloQuery, [G, NO, NO]],
  ["Apollo Client 4, @defer (Defer20220824Handler)", ACCEPT.apolloDefer, [G, L, NO]],
  ["Apollo Client 4, @defer (GraphQL17Alpha9Handler)", ACCEPT.apolloAlpha9, [G, I, NO]],
  ["Apollo Client 4, subscription", ACCEPT.apolloSubscription, [G, NO, S]],
  ["urql, query", ACCEPT.urqlQuery, [G, L, S]],
  ["urql, subscription", ACCEPT.urqlSubscription, [L, L, S]],
  ["Apollo Router docs, @defer", ACCEPT.routerDefer, [J, L, NO]],
  ["Apollo Router docs, subscription", ACCEPT.routerSubscription, [J, NO, S]],
  ["curl", ACCEPT.curl, [G, L, S]],
  ["application/json only", ACCEPT.jsonOnly, [J, NO, NO]],
  ["no Accept header", null, [J, NO, NO]],
  ["a deferSpec this module does not speak", "multipart/mixed;deferSpec=20230101", [NO, NO, NO]],
];

const QUERIES: Record<Kind, string> = {
  single: "{ user { id } }",
  incremental: DEFER_QUERY,
  subscription: SUBSCRIPTION,
};

async function answer(accept: string | null, kind: Kind): Promise<string> {
  const { result } = await execute(QUERIES[kind]);
  const headers: HeadersInit = accept === null ? {} : { accept };
  const response = graphqlResponse(new Request("http://x/graphql", { headers }), result);
  if (response.status === 406) {
    // The body says what to send instead, as GraphQL errors.
    const { errors } = await response.json() as { errors: { message: string }[] };
    assert.match(
      errors[0].message,
      kind === "single" ? /^This result is JSON/ : /Add "multipart\/mixed;/,
    );
  } else if (response.headers.get("content-type")!.startsWith("multipart/")) {
    await response.body!.cancel(); // the format is in the header; the payloads are tested elsewhere
  } else {
    assert.ok("data" in await response.json());
  }
  return `${response.status} ${response.headers.get("content-type")}`;
}

describe("graphqlResponse: the negotiation table", () => {
  const printed: string[] = [];
  for (const [who, accept, [single, incremental, subscription]] of TABLE) {
    it(`${who}: ${accept ?? "(none)"}`, async () => {
      const got = {} as Record<Kind, string>;
      for (const kind of ["single", "incremental", "subscription"] as const) {
        got[kind] = await answer(accept, kind);
      }
      printed.push(
        `| ${who} | \`${
          accept ?? ""
        }\` | ${got.single} | ${got.incremental} | ${got.subscription} |`,
      );
      assert.deepEqual(got, { single, incremental, subscription });
    });
  }
  it("prints the table", () => {
    assert.equal(printed.length, TABLE.length);
    console.log(
      `\n| client | Accept | single result | @defer/@stream | subscription |\n|---|---|---|---|---|\n${
        printed.join("\n")
      }\n`,
    );
  });
});

/**
 * How many characters `negotiate` reads from `accept` and from any string made from it: it reads
 * with charCodeAt, counted for the call's length (it is synchronous, so nothing else is counted).
 */
function reads(accept: string): number {
  const charCodeAt = Object.getOwnPropertyDescriptor(String.prototype, "charCodeAt")!;
  let count = 0;
  Object.defineProperty(String.prototype, "charCodeAt", {
    ...charCodeAt,
    value(this: string, index: number): number {
      count++;
      return charCodeAt.value.call(this, index);
    },
  });
  try {
    negotiate(accept, "single");
  } finally {
    Object.defineProperty(String.prototype, "charCodeAt", charCodeAt);
  }
  return count;
}

/** The shape repeated to 64 KB. */
const fill = (head: string, unit: string): string =>
  head + unit.repeat(Math.ceil((65536 - head.length) / unit.length));

// The shapes the review used: a regex split rescanned from each quote left open, O(n²).
const HOSTILE: [string, string][] = [
  ["escaped quotes never closed", fill('a/b;x="', '\\"')],
  ["unmatched quotes and separators", fill("a/b;x=", '",;"\\')],
  ["a range per 4 bytes", fill("", "a/b,")],
  ["a parameter per 4 bytes", fill("a/b", ";x=1")],
  ["quoted parameters", fill("multipart/mixed", ';deferSpec="20220824"')],
];

describe("negotiate: a hostile Accept", () => {
  for (const [shape, accept] of HOSTILE) {
    it(`${shape}, 64 KB: each character is read once`, () => {
      assert.equal(reads(accept), accept.length);
    });
  }

  it("the 64 KB headers get their answer from graphqlResponse", async () => {
    const answers: number[] = [];
    for (const [, accept] of HOSTILE) {
      const request = new Request("http://x/graphql", { headers: { accept } });
      const response = graphqlResponse(request, { data: { n: 1 } });
      answers.push(response.status);
      await response.body?.cancel();
    }
    // Only the parameter-less ranges and repeated deferSpec ranges name nothing the result lacks.
    assert.deepEqual(answers, [406, 406, 406, 406, 200]);
  });

  it("quoted strings hide separators and lose their quotes and escapes; one left open runs to the end", () => {
    assert.deepEqual(negotiate('multipart/mixed;x="a,b;c", application/json', "incremental"), null);
    assert.deepEqual(negotiate('multipart/mixed;deferSpec="2022\\0824"', "incremental"), {
      format: "legacy",
      named: true,
    });
    assert.deepEqual(negotiate('multipart/mixed;subscriptionSpec="1.0', "subscription"), {
      format: "subscription",
      named: true,
    });
    assert.deepEqual(negotiate('a/b;x="\\",application/json', "single"), null);
    assert.deepEqual(
      negotiate(" ,, multipart/mixed ; incrementalSpec = V0.2 ;q=0.5,", "incremental"),
      {
        format: "incremental",
        named: true,
      },
    );
  });
});
