/**
 * The negotiation table: each Accept header real clients send, against each kind of result
 * graphql-js 17 produces, gives the status, Content-Type and format listed (printed as a table).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlResponse } from "../../lib/graphql/mod.ts";
import { ACCEPT } from "./_accept.ts";
import { DEFER_QUERY, execute, SUBSCRIPTION } from "./_schema.ts";

type Kind = "single" | "incremental" | "subscription";
const LEGACY = 'multipart/mixed;boundary="-";deferSpec=20220824';
const INCREMENTAL = 'multipart/mixed;boundary="-";incrementalSpec=v0.2';
const SUBSCRIPTION_TYPE = 'multipart/mixed;boundary="-";subscriptionSpec=1.0';
const GRAPHQL_JSON = "application/graphql-response+json; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";
const NOT_ACCEPTABLE = "406 application/json; charset=utf-8";

/** Accept → [single, incremental, subscription] → "status Content-Type". */
const TABLE: [string, string | null, Record<Kind, string>][] = [
  ["Apollo Client 4, query", ACCEPT.apolloQuery, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: NOT_ACCEPTABLE,
    subscription: NOT_ACCEPTABLE,
  }],
  ["Apollo Client 4, @defer (Defer20220824Handler)", ACCEPT.apolloDefer, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: `200 ${LEGACY}`,
    subscription: NOT_ACCEPTABLE,
  }],
  ["Apollo Client 4, @defer (GraphQL17Alpha9Handler)", ACCEPT.apolloAlpha9, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: `200 ${INCREMENTAL}`,
    subscription: NOT_ACCEPTABLE,
  }],
  ["Apollo Client 4, subscription", ACCEPT.apolloSubscription, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: NOT_ACCEPTABLE,
    subscription: `200 ${SUBSCRIPTION_TYPE}`,
  }],
  ["urql, query", ACCEPT.urqlQuery, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: `200 ${LEGACY}`,
    subscription: `200 ${SUBSCRIPTION_TYPE}`,
  }],
  ["urql, subscription", ACCEPT.urqlSubscription, {
    single: `200 ${LEGACY}`,
    incremental: `200 ${LEGACY}`,
    subscription: `200 ${SUBSCRIPTION_TYPE}`,
  }],
  ["Apollo Router docs, @defer", ACCEPT.routerDefer, {
    single: `200 ${JSON_TYPE}`,
    incremental: `200 ${LEGACY}`,
    subscription: NOT_ACCEPTABLE,
  }],
  ["Apollo Router docs, subscription", ACCEPT.routerSubscription, {
    single: `200 ${JSON_TYPE}`,
    incremental: NOT_ACCEPTABLE,
    subscription: `200 ${SUBSCRIPTION_TYPE}`,
  }],
  ["curl", ACCEPT.curl, {
    single: `200 ${GRAPHQL_JSON}`,
    incremental: `200 ${LEGACY}`,
    subscription: `200 ${SUBSCRIPTION_TYPE}`,
  }],
  ["application/json only", ACCEPT.jsonOnly, {
    single: `200 ${JSON_TYPE}`,
    incremental: NOT_ACCEPTABLE,
    subscription: NOT_ACCEPTABLE,
  }],
  ["no Accept header", null, {
    single: `200 ${JSON_TYPE}`,
    incremental: NOT_ACCEPTABLE,
    subscription: NOT_ACCEPTABLE,
  }],
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
    assert.match(errors[0].message, /Add "multipart\/mixed;/);
  } else if (response.headers.get("content-type")!.startsWith("multipart/")) {
    await response.body!.cancel(); // the format is in the header; the payloads are tested elsewhere
  } else {
    assert.ok("data" in await response.json());
  }
  return `${response.status} ${response.headers.get("content-type")}`;
}

describe("graphqlResponse: the negotiation table", () => {
  const printed: string[] = [];
  for (const [who, accept, expected] of TABLE) {
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
      assert.deepEqual(got, expected);
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
