/**
 * How a graphqlResponse ends: the server's signal (a subscription ends cleanly, an incremental
 * response breaks off), failing sources and payloads, and a source that forgets hasNext: false.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlPayloads, graphqlResponse, type JsonObject } from "../../lib/graphql/mod.ts";
import { delay as sleep } from "../_helpers/streams.ts";
import { chunks, incremental, request } from "./_bodies.ts";

describe("graphqlResponse: endings", () => {
  it("the server's signal ends a subscription cleanly and stops its source", async () => {
    let finallies = 0;
    async function* events() {
      try {
        for (let i = 0;; i++) {
          yield { data: { n: i } };
          await sleep(10);
        }
      } finally {
        finallies++;
      }
    }
    const stop = new AbortController();
    const response = graphqlResponse(request("multipart/mixed;subscriptionSpec=1.0"), events(), {
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 50);
    const payloads = [];
    for await (const payload of graphqlPayloads(response)) payloads.push(payload);
    assert.ok(payloads.length >= 2 && payloads.length <= 8, `${payloads.length} events`);
    await sleep(20);
    assert.equal(finallies, 1);
  });

  it("the server's signal breaks an incremental response off: it is not complete", async () => {
    const stop = new AbortController();
    async function* rest() {
      await sleep(1000);
      yield { hasNext: false };
    }
    const errors: unknown[] = [];
    const response = graphqlResponse(request(), incremental(rest()), {
      signal: stop.signal,
      onError: (e) => errors.push(e),
    });
    setTimeout(() => stop.abort(), 20);
    const started = performance.now();
    await assert.rejects(chunks(response));
    assert.ok(performance.now() - started < 500);
    assert.equal(errors.length, 1);
  });

  it("a subscription whose source throws ends with { payload: null, errors }, and onError hears why", async () => {
    async function* events() {
      yield { data: { n: 1 } };
      throw new Error("database gone");
    }
    const errors: unknown[] = [];
    const response = graphqlResponse(request("multipart/mixed;subscriptionSpec=1.0"), events(), {
      onError: (e) => {
        errors.push(e);
        throw new Error("a throwing callback is contained");
      },
    });
    const payloads = [];
    for await (const payload of graphqlPayloads(response)) payloads.push(payload);
    assert.deepEqual(payloads, [{ data: { n: 1 } }, {
      errors: [{ message: "subscription failed" }],
    }]);
    assert.equal((errors[0] as Error).message, "database gone");
  });

  it("an incremental source that throws breaks the body off", async () => {
    const rest: AsyncIterable<JsonObject> = {
      [Symbol.asyncIterator]: () => ({
        next: () => sleep(5).then(() => Promise.reject(new Error("boom"))),
      }),
    };
    await assert.rejects(chunks(graphqlResponse(request(), incremental(rest))), /boom/);
  });

  it("a payload that cannot become JSON breaks the body off and stops the source", async () => {
    let finallies = 0;
    async function* rest() {
      try {
        yield { data: { big: 1n }, hasNext: true } as JsonObject;
      } finally {
        finallies++;
      }
    }
    await assert.rejects(chunks(graphqlResponse(request(), incremental(rest()))), TypeError);
    assert.equal(finallies, 1);
  });

  it('an incremental source that ends without hasNext: false is closed with {"hasNext":false}', async () => {
    async function* rest() {}
    const texts = (await chunks(graphqlResponse(request(), incremental(rest())))).map((c) =>
      c.text
    );
    assert.equal(
      texts.at(-1),
      'content-type: application/json; charset=utf-8\r\n\r\n{"hasNext":false}\r\n-----\r\n',
    );
  });
});
