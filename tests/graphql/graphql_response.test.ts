/**
 * graphqlResponse's rules one by one, on Response objects: bad input, status codes, heartbeats
 * (their bytes and their timing), and options.headers. Endings: endings.test.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { graphqlResponse } from "../../lib/graphql/mod.ts";
import { installClock, type TestClock } from "../_helpers/clock.ts";
import { deferred, delay as sleep, until, within } from "../_helpers/streams.ts";
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

/**
 * Moves `clock` through `count` heartbeats of `every` ms: for each, once the stream has armed its
 * timer, nothing at `every - 1` ms, the beat at `every` ms (`beats()` counts those seen).
 */
async function beatsOnClock(
  clock: TestClock,
  every: number,
  count: number,
  beats: () => number,
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await until(() => clock.pending === 1, 2000, `beat ${i}'s timer`);
    await clock.advance(every - 1);
    await sleep(1); // an in-process reader gets a part within microtasks: a turn shows it
    assert.equal(beats(), i - 1, `beat ${i} before ${every} ms`);
    await clock.advance(1);
    await until(() => beats() === i, 2000, `beat ${i} at ${every} ms`);
  }
}

describe("graphqlResponse: heartbeats", () => {
  it("a quiet subscription gets {} every `heartbeat` ms when the client named subscriptionSpec", async () => {
    // The heartbeat is the stream's timer: on the test clock each beat comes 100 ms after the
    // part before it exactly and not at 99, however loaded the machine; the event comes 50 ms
    // after the third beat, and no fourth beat follows it.
    const clock = installClock();
    try {
      const event = deferred();
      const events = async function* () {
        await event.promise;
        yield { data: { n: 1 } };
      };
      const response = graphqlResponse(request("multipart/mixed;subscriptionSpec=1.0"), events(), {
        heartbeat: 100,
      });
      let beats = 0;
      const body = chunks(response, (text) => {
        if (text.includes("\r\n\r\n{}\r\n---\r\n")) beats++;
      });
      await beatsOnClock(clock, 100, 3, () => beats);
      await clock.advance(50);
      event.resolve();
      const got = (await within(2000, "the event and the end", body)).map((c) => c.text);
      assert.equal(beats, 3, JSON.stringify(got));
      // The event, then the closing {} part with the close delimiter.
      assert.match(got.at(-2)!, /\{"payload":\{"data":\{"n":1\}\}\}\r\n---\r\n$/);
      assert.equal(
        got.at(-1)!,
        "content-type: application/json; charset=utf-8\r\n\r\n{}\r\n-----\r\n",
      );
    } finally {
      clock.uninstall();
    }
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
    // On the test clock: each beat 40 ms after the part before it exactly, and the last payload
    // 20 ms after the second, halfway to a third that therefore never comes.
    const clock = installClock();
    try {
      const second = deferred();
      const afterTwoBeats = async function* () {
        await second.promise;
        yield { incremental: [{ data: { b: 2 }, path: [] }], hasNext: false };
      };
      let beats = 0;
      const response = graphqlResponse(request(), incremental(afterTwoBeats()), { heartbeat: 40 });
      const body = chunks(response, (text) => {
        if (text.includes("\r\n\r\n{}\r\n")) beats++;
      });
      await beatsOnClock(clock, 40, 2, () => beats);
      await clock.advance(20);
      second.resolve();
      await within(2000, "the last payload and the end", body);
      assert.equal(beats, 2, "two heartbeats, none after the last payload");
    } finally {
      clock.uninstall();
    }
  });
});
