/**
 * applyIncremental merges both incremental formats (and subscription events), and the conversions
 * between the formats keep what the other format can say, errors and labels included. The
 * payloads are graphql-js 17's own, from both executors. Errors and extensions grow in place:
 * a copy per payload made N payloads cost O(N²) (issue 20, finding 6).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyIncremental, graphqlPayloads, graphqlResponse } from "../../lib/graphql/mod.ts";
import type { GraphQLResult, JsonObject } from "../../lib/graphql/mod.ts";
import { pushResponse } from "../../lib/push/mod.ts";
import { experimentalExecuteIncrementally, parse } from "graphql";
import { DEFER_QUERY, DEFER_RESULT, execute, type Executor, schema } from "./_schema.ts";

/** The payloads graphqlResponse sends for `query` run by `executor`, read as `spec`. */
async function payloads(query: string, executor: Executor, spec: string): Promise<JsonObject[]> {
  const { result } = await execute(query, executor);
  const request = new Request("http://x/", { headers: { accept: `multipart/mixed;${spec}` } });
  const out: JsonObject[] = [];
  for await (const payload of graphqlPayloads(graphqlResponse(request, result))) out.push(payload);
  return out;
}

describe("applyIncremental", () => {
  for (
    const executor of ["experimentalExecuteIncrementally", "legacyExecuteIncrementally"] as const
  ) {
    for (const spec of ["deferSpec=20220824", "incrementalSpec=v0.2"]) {
      it(`${executor}, served as ${spec}: the merged result is the whole result`, async () => {
        const got = await payloads(DEFER_QUERY, executor, spec);
        assert.equal(got.some((p) => "pending" in p), spec.startsWith("incremental"));
        const result: GraphQLResult = {};
        for (const payload of got) applyIncremental(result, payload);
        assert.deepEqual(result, { data: DEFER_RESULT, hasNext: false });
      });
    }
  }

  it("keeps errors of entries and of failed fragments, and extensions", () => {
    const result: GraphQLResult = {};
    applyIncremental(result, {
      data: { a: { b: 1 } },
      pending: [{ id: "0", path: ["a"] }],
      hasNext: true,
    });
    applyIncremental(result, {
      incremental: [{ id: "0", data: { c: null }, errors: [{ message: "c failed" }] }],
      completed: [{ id: "1", errors: [{ message: "fragment failed" }] }],
      extensions: { cost: 3 },
      hasNext: false,
    });
    assert.deepEqual(result, {
      data: { a: { b: 1, c: null } },
      errors: [{ message: "c failed" }, { message: "fragment failed" }],
      extensions: { cost: 3 },
      hasNext: false,
    });
  });

  it("N payloads of one error each grow one errors array in place, and one extensions object", () => {
    const result: GraphQLResult = {};
    applyIncremental(result, { data: { list: [] }, hasNext: true });
    let errors: readonly unknown[] | undefined;
    let extensions: JsonObject | undefined;
    for (let i = 0; i < 1000; i++) {
      applyIncremental(result, {
        incremental: [{ items: [null], path: ["list", i], errors: [{ message: `item ${i}` }] }],
        extensions: { [`cost${i}`]: i },
        hasNext: true,
      });
      errors ??= result.errors;
      extensions ??= result.extensions;
      assert.equal(result.errors, errors, `payload ${i} copied the errors`);
      assert.equal(result.extensions, extensions, `payload ${i} copied the extensions`);
    }
    assert.equal(result.errors!.length, 1000);
    assert.deepEqual(result.errors![999], { message: "item 999" });
    assert.equal(Object.keys(result.extensions!).length, 1000);
  });

  it("never grows an errors array or extensions object it did not make", () => {
    const own = Object.freeze([{ message: "the caller's" }]);
    const ownExtensions = Object.freeze({ a: 1 });
    const result: GraphQLResult = { errors: own, extensions: ownExtensions };
    applyIncremental(result, { errors: [{ message: "more" }], extensions: { b: 2 } });
    assert.deepEqual(result.errors, [{ message: "the caller's" }, { message: "more" }]);
    assert.deepEqual(result.extensions, { a: 1, b: 2 });
    // A subscription event's own errors become the result's: later errors go to a copy.
    const event = { payload: { data: null, errors: [{ message: "event" }] } };
    const fromEvent = event.payload.errors;
    applyIncremental(result, event);
    applyIncremental(result, { errors: [{ message: "after" }] });
    assert.deepEqual(fromEvent, [{ message: "event" }]);
    assert.deepEqual(result.errors, [{ message: "event" }, { message: "after" }]);
  });

  it("a subscription event replaces the data", () => {
    const result: GraphQLResult = {};
    applyIncremental(result, { payload: { data: { n: 1 } } });
    applyIncremental(result, { payload: { data: { n: 2 } } });
    assert.deepEqual(result, { data: { n: 2 } });
  });

  it("2022 @stream items land at the index their path names", () => {
    const result: GraphQLResult = {};
    applyIncremental(result, { data: { list: ["a", "b"] }, hasNext: true });
    applyIncremental(result, { incremental: [{ items: ["x", "y"], path: ["list", 1] }] });
    assert.deepEqual(result.data, { list: ["a", "x", "y"] });
  });

  it("a subscription event with a null payload (a transport error) is the last one read", async () => {
    const events = [
      { payload: { data: { n: 1 } } },
      { payload: null, errors: [{ message: "upstream gone" }] },
      { payload: { data: { n: 2 } } },
    ];
    const response = pushResponse(
      events.map((event) => ({ contentType: "application/json", body: JSON.stringify(event) })),
      { mode: "mixed" },
    );
    const got: JsonObject[] = [];
    for await (const payload of graphqlPayloads(response)) got.push(payload);
    assert.deepEqual(got, [{ data: { n: 1 } }, { errors: [{ message: "upstream gone" }] }]);
  });

  it("refuses what is not an object, naming it", () => {
    assert.throws(
      () => applyIncremental(null as never, {}),
      /result must be an object \(start with \{\}\), got null/,
    );
    assert.throws(
      () => applyIncremental({}, "{}" as never),
      /payload must be a JSON object, got the string "\{\}"/,
    );
  });
});

describe("conversion between the formats", () => {
  it("graphql-js 17 → 2022: a fragment that completed with errors becomes data: null with them", async () => {
    // A deferred non-null field that fails nulls its whole fragment: `completed` with errors.
    const rootValue = { user: { name: "Ada", id: () => Promise.reject(new Error("no id")) } };
    const query = `{ user { name ... @defer(label: "L") { id } } }`;
    const result = await experimentalExecuteIncrementally({
      schema,
      document: parse(query),
      rootValue,
    });
    const request = new Request("http://x/", {
      headers: { accept: "multipart/mixed;deferSpec=20220824" },
    });
    const got: JsonObject[] = [];
    for await (const p of graphqlPayloads(graphqlResponse(request, result as never))) got.push(p);
    assert.deepEqual(got[0], { data: { user: { name: "Ada" } }, hasNext: true });
    assert.equal(got.length, 2);
    const { incremental, hasNext } = got[1] as { incremental: JsonObject[]; hasNext: boolean };
    assert.equal(hasNext, false);
    assert.equal(incremental.length, 1);
    const { errors, ...entry } = incremental[0];
    assert.deepEqual(entry, { data: null, path: ["user"], label: "L" });
    assert.match(JSON.stringify(errors), /no id/);
  });

  it("2022 → graphql-js 17: each entry is announced, delivered and completed; a failed one completes with its errors; items carry the list so far", async () => {
    async function* rest() {
      yield {
        incremental: [{ data: null, path: ["user"], label: "L", errors: [{ message: "gone" }] }],
        hasNext: true,
      };
      yield { incremental: [{ items: ["x"], path: ["user", "friends", 1] }], hasNext: false };
    }
    const request = new Request("http://x/", {
      headers: { accept: "multipart/mixed;incrementalSpec=v0.2" },
    });
    const response = graphqlResponse(request, {
      initialResult: { data: { user: { friends: ["w"] } }, hasNext: true },
      subsequentResults: rest(),
    });
    const got: JsonObject[] = [];
    for await (const p of graphqlPayloads(response)) got.push(p);
    assert.deepEqual(got, [
      { data: { user: { friends: ["w"] } }, hasNext: true, pending: [] },
      {
        hasNext: true,
        pending: [{ id: "0", path: ["user"], label: "L" }],
        completed: [{ id: "0", errors: [{ message: "gone" }] }],
      },
      {
        // Streamed items become the list so far, as deferred data of its parent.
        hasNext: false,
        pending: [{ id: "1", path: ["user"] }],
        incremental: [{ id: "1", data: { friends: ["w", "x"] } }],
        completed: [{ id: "1" }],
      },
    ]);
  });
});
