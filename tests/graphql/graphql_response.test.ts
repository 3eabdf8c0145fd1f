/**
 * graphqlResponse's rules one by one, on Response objects: bad input, status codes, heartbeats
 * (their bytes and their timing), and options.headers. Endings: endings.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlResponse } from "../../lib/graphql/mod.ts";
import { delay as sleep } from "../_helpers/streams.ts";
import { chunks, incremental, request } from "./_bodies.ts";

describe("graphqlResponse: bad input is refused before anything is sent", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "a request that is not a Request",
      () => graphqlResponse("/graphql" as never, { data: {} }),
      /request must be a Request, got the string "\/graphql"/,
    ],
    [
      "a result that is a string",
      () => graphqlResponse(request(), "{}" as never),
      /result must be .*got the string "\{\}"/,
    ],
    [
      "a result that is a Promise",
      () => graphqlResponse(request(), Promise.resolve({}) as never),
      /result must be awaited/,
    ],
    [
      "initialResult that is null",
      () => graphqlResponse(request(), { initialResult: null, subsequentResults: [] } as never),
      /result\.initialResult must be an object, got null/,
    ],
    [
      "subsequentResults that is an array",
      () => graphqlResponse(request(), { initialResult: {}, subsequentResults: [] } as never),
      /result\.subsequentResults must be an AsyncIterable or AsyncIterator, got an array/,
    ],
    [
      "heartbeat 0",
      () => graphqlResponse(request(), { data: {} }, { heartbeat: 0 }),
      /options\.heartbeat must be a number of milliseconds > 0.*got 0/,
    ],
    [
      "heartbeat as a string",
      () => graphqlResponse(request(), { data: {} }, { heartbeat: "100" as never }),
      /options\.heartbeat .*got the string "100"/,
    ],
    [
      "heartbeat past the timer ceiling",
      () => graphqlResponse(request(), { data: {} }, { heartbeat: Infinity }),
      /^options\.heartbeat must be a number of milliseconds > 0 and <= 2147483647, or false, got Infinity$/,
    ],
    [
      "options that are not an object",
      () => graphqlResponse(request(), { data: {} }, 5 as never),
      /^options must be an object, got 5$/,
    ],
    [
      "waitUntil that is not a function",
      () => graphqlResponse(request(), { data: {} }, { waitUntil: "later" as never }),
      /^options\.waitUntil must be a function, got the string "later"$/,
    ],
    [
      "a header value with a line break",
      () => graphqlResponse(request(), { data: {} }, { headers: { "X-A": "1\r\nSet-Cookie: x" } }),
      /^options\.headers: header X-A has a value containing CR, LF or NUL/,
    ],
    [
      "onError that is not a function",
      () => graphqlResponse(request(), { data: {} }, { onError: 1 as never }),
      /options\.onError must be a function, got 1/,
    ],
    [
      "a signal that is not an AbortSignal",
      () => graphqlResponse(request(), { data: {} }, { signal: {} as never }),
      /options\.signal must be an AbortSignal/,
    ],
    [
      "headers that set Content-Type",
      () => graphqlResponse(request(), { data: {} }, { headers: { "content-type": "text/plain" } }),
      /options\.headers must not set content-type/,
    ],
  ];
  for (const [what, call, message] of cases) {
    it(what, () =>
      assert.throws(call, (error: Error) => {
        assert.ok(error instanceof TypeError || error instanceof RangeError, String(error));
        assert.match(error.message, message);
        return true;
      }));
  }
});

describe("graphqlResponse: single results", () => {
  it("a request error (no data) is a 400 as application/graphql-response+json, a 200 as application/json", async () => {
    const result = { errors: [{ message: "Cannot query field" }] };
    const strict = graphqlResponse(request("application/graphql-response+json"), result);
    assert.equal(strict.status, 400);
    assert.deepEqual(await strict.json(), result);
    const legacy = graphqlResponse(request("application/json"), result);
    assert.equal(legacy.status, 200);
  });

  it("options.headers are added; Cache-Control is no-cache", () => {
    const response = graphqlResponse(request(), { data: {} }, {
      headers: { "access-control-allow-origin": "*" },
    });
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.equal(response.headers.get("cache-control"), "no-cache");
  });

  it("a 406 stops the execution nobody will read", async () => {
    let returned = false;
    const rest = {
      [Symbol.asyncIterator]: () => rest,
      next: () => new Promise<never>(() => {}),
      return: () => {
        returned = true;
        return Promise.resolve({ done: true as const, value: undefined });
      },
    };
    const response = graphqlResponse(request("application/json"), incremental(rest));
    assert.equal(response.status, 406);
    await sleep(0);
    assert.equal(returned, true);
  });

  it("a 406 quotes the first 200 characters of a refused Accept, not all of it", async () => {
    const accept = `text/html, ${"x/y;q=0.1, ".repeat(800)}`;
    const response = graphqlResponse(request(accept), { data: {} }, {});
    assert.equal(response.status, 406);
    const { errors: [{ message }] } = await response.json();
    assert.ok(message.includes(`Accept: ${accept.slice(0, 200)}…`), message);
    assert.ok(message.length < 400, `a ${message.length}-character message`);
  });
});

describe("graphqlResponse: heartbeats", () => {
  it("a quiet subscription gets {} every `heartbeat` ms when the client named subscriptionSpec", async () => {
    // Each beat 100 ms after the part before it (the timer restarts with each part, so a loaded
    // machine's lag does not add up): a window per beat that a doubled or halved interval still
    // falls out of. The event comes 50 ms after the third beat, halfway to a fourth; if no beat
    // comes at all, it comes after 500 ms and the count fails.
    const third = Promise.withResolvers<void>();
    async function* events() {
      await Promise.race([third.promise, sleep(500)]);
      await sleep(50);
      yield { data: { n: 1 } };
    }
    const response = graphqlResponse(request("multipart/mixed;subscriptionSpec=1.0"), events(), {
      heartbeat: 100,
    });
    let previous = performance.now();
    const beats: number[] = [];
    const got = (await chunks(response, (text) => {
      if (!text.includes("\r\n\r\n{}\r\n---\r\n")) return;
      beats.push(performance.now() - previous);
      previous = performance.now();
      if (beats.length === 3) third.resolve();
    })).map((c) => c.text);
    assert.equal(beats.length, 3, JSON.stringify(got));
    beats.forEach((gap, i) => {
      assert.ok(gap >= 95 && gap < 180, `heartbeat ${i + 1} ${gap.toFixed(0)} ms after the last`);
    });
    // The event, then the closing {} part with the close delimiter.
    assert.match(got.at(-2)!, /\{"payload":\{"data":\{"n":1\}\}\}\r\n---\r\n$/);
    assert.equal(
      got.at(-1)!,
      "content-type: application/json; charset=utf-8\r\n\r\n{}\r\n-----\r\n",
    );
  });

  it("no heartbeats to a client that did not name subscriptionSpec (urql fails on an early {})", async () => {
    async function* events() {
      await sleep(120);
      yield { data: { n: 1 } };
    }
    const response = graphqlResponse(request("multipart/mixed"), events(), { heartbeat: 30 });
    const texts = (await chunks(response)).map((c) => c.text);
    assert.equal(
      texts.filter((t) => t.includes("\r\n\r\n{}\r\n---\r\n")).length,
      0,
      JSON.stringify(texts),
    );
  });

  it("@defer sends none by default, and {} every `heartbeat` ms when asked", async () => {
    async function* rest() {
      await sleep(150);
      yield { incremental: [{ data: { b: 2 }, path: [] }], hasNext: false };
    }
    const quiet = (await chunks(graphqlResponse(request(), incremental(rest())))).map((c) =>
      c.text
    );
    assert.equal(quiet.length, 3);
    // The last payload 20 ms after the second beat (halfway to a third, which a loaded machine may
    // still let in), or after 500 ms if none comes: lag does not add up against a fixed 150 ms.
    // Each beat 35-120 ms after the part before it, so a halved or tripled interval fails.
    const second = Promise.withResolvers<void>();
    async function* afterTwoBeats() {
      await Promise.race([second.promise, sleep(500)]);
      await sleep(20);
      yield { incremental: [{ data: { b: 2 }, path: [] }], hasNext: false };
    }
    const gaps: number[] = [];
    let previous = performance.now();
    const response = graphqlResponse(request(), incremental(afterTwoBeats()), { heartbeat: 40 });
    await chunks(response, (text) => {
      if (!text.includes("\r\n\r\n{}\r\n")) return;
      gaps.push(performance.now() - previous);
      previous = performance.now();
      if (gaps.length === 2) second.resolve();
    });
    const beats = gaps.length;
    assert.ok(beats >= 2 && beats <= 3, `${beats} heartbeats`);
    for (const gap of gaps.slice(0, 2)) {
      assert.ok(gap >= 35 && gap < 120, `a heartbeat ${gap.toFixed(0)} ms after the part before`);
    }
  });
});
