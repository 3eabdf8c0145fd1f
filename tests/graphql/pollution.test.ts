/**
 * No payload reaches a prototype (issue 20, finding 3): a `path` through `__proto__`,
 * `constructor` or `prototype`, and data, items or extensions holding an own `__proto__` key (as
 * JSON.parse makes it), merged on the client (graphqlPayloads + applyIncremental) and on the
 * server (graphqlResponse converting either format for a client of the other). Deno has no
 * `__proto__` accessor, so fewer of these reach a prototype there; the test asserts the same on
 * every runtime.
 */
import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyIncremental, graphqlPayloads, graphqlResponse } from "../../lib/graphql/mod.ts";
import type { GraphQLResult, JsonObject } from "../../lib/graphql/mod.ts";

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype];
const before = PROTOTYPES.map((p) => Reflect.ownKeys(p));

/** What a hostile payload may have added to a built-in prototype. */
function added(): string[] {
  return PROTOTYPES.flatMap((p, i) =>
    Reflect.ownKeys(p).filter((key) => !before[i].includes(key)).map(String)
  );
}

afterEach(() => {
  // A failing run must not pollute the tests after it.
  PROTOTYPES.forEach((p, i) => {
    for (const key of Reflect.ownKeys(p)) {
      if (!before[i].includes(key)) delete (p as Record<PropertyKey, unknown>)[key];
    }
  });
});

// Each as JSON text, so that `__proto__` is an own key, as it is off the wire.
const LEGACY_INITIAL = '{"data":{"user":{"id":"1","friends":[]}},"hasNext":true}';
const LEGACY_HOSTILE = [
  '{"incremental":[{"data":{"polluted":"path"},"path":["__proto__"]}],"hasNext":true}',
  '{"incremental":[{"data":{"polluted":"ctor"},"path":["user","constructor","prototype"]}],"hasNext":true}',
  '{"incremental":[{"data":{"__proto__":{"polluted":"root"}},"path":[]}],"hasNext":true}',
  '{"incremental":[{"data":{"name":"Ada","__proto__":{"polluted":"data"}},"path":["user"]}],"hasNext":true}',
  '{"incremental":[{"items":["items"],"path":["user","friends","__proto__",0]}],"hasNext":true}',
  '{"incremental":[{"items":["ctor"],"path":["user","friends","constructor","prototype",0]}],"hasNext":true}',
  '{"extensions":{"__proto__":{"polluted":"extensions"}},"hasNext":false}',
];
const INCREMENTAL_INITIAL =
  '{"data":{"user":{"id":"1","friends":[]}},"pending":[{"id":"0","path":["__proto__"]},{"id":"1","path":["user"]},{"id":"2","path":["user","friends","__proto__"]}],"hasNext":true}';
const INCREMENTAL_HOSTILE = [
  '{"incremental":[{"id":"0","data":{"polluted":"pending"}}],"completed":[{"id":"0"}],"hasNext":true}',
  '{"incremental":[{"id":"1","subPath":["constructor","prototype"],"data":{"polluted":"subPath"}}],"hasNext":true}',
  '{"incremental":[{"id":"1","data":{"name":"Ada","__proto__":{"polluted":"data"}}}],"completed":[{"id":"1"}],"hasNext":true}',
  '{"incremental":[{"id":"2","items":["items"]}],"completed":[{"id":"2"}],"hasNext":false}',
];

/** The merged user of every case: the own `__proto__` key stays data, nothing else gets in. */
const USER = JSON.parse('{"id":"1","friends":[],"name":"Ada","__proto__":{"polluted":"data"}}');

async function* parsed(texts: string[]): AsyncGenerator<JsonObject> {
  for (const text of texts) yield JSON.parse(text);
}

/**
 * What a client asking for `spec` reads from graphqlResponse serving these payloads, merged once
 * the whole response is in: the server's conversion is checked on its own first.
 */
async function served(initial: string, rest: string[], spec: string): Promise<GraphQLResult> {
  const request = new Request("http://x/", { headers: { accept: `multipart/mixed;${spec}` } });
  const response = graphqlResponse(request, {
    initialResult: JSON.parse(initial),
    subsequentResults: parsed(rest),
  });
  const payloads: JsonObject[] = [];
  for await (const payload of graphqlPayloads(response)) payloads.push(payload);
  assert.deepEqual(added(), [], "the server reached a prototype");
  const result: GraphQLResult = {};
  for (const payload of payloads) applyIncremental(result, payload);
  return result;
}

function assertClean(result: GraphQLResult): void {
  assert.deepEqual(added(), []);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(([] as unknown[])[0], undefined);
  const user = result.data!.user as JsonObject;
  assert.equal(Object.getPrototypeOf(result.data), Object.prototype);
  assert.equal(Object.getPrototypeOf(user), Object.prototype);
  assert.equal(Object.getPrototypeOf(user.friends), Array.prototype);
  assert.deepEqual(user, USER);
  assert.deepEqual(Object.getOwnPropertyDescriptor(user, "__proto__")?.value, { polluted: "data" });
}

describe("applyIncremental: no payload reaches a prototype", () => {
  it("2022 payloads off the wire, merged by the client", async () => {
    const result = await served(LEGACY_INITIAL, LEGACY_HOSTILE, "deferSpec=20220824");
    assertClean(result);
    assert.ok(Object.hasOwn(result.data!, "__proto__"), "the root's own __proto__ key is data");
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(result.extensions, "__proto__")?.value,
      { polluted: "extensions" },
    );
  });

  it("graphql-js 17 payloads off the wire, merged by the client", async () => {
    assertClean(await served(INCREMENTAL_INITIAL, INCREMENTAL_HOSTILE, "incrementalSpec=v0.2"));
  });

  it("the server converting 2022 payloads for an incrementalSpec=v0.2 client", async () => {
    assertClean(await served(LEGACY_INITIAL, LEGACY_HOSTILE, "incrementalSpec=v0.2"));
  });

  it("the server converting graphql-js 17 payloads for a deferSpec=20220824 client", async () => {
    assertClean(await served(INCREMENTAL_INITIAL, INCREMENTAL_HOSTILE, "deferSpec=20220824"));
  });

  it("an items index that is not the list's next (or an earlier) one is skipped", () => {
    const result: GraphQLResult = { data: { list: ["a"] } };
    for (const index of [-1, 2, 0.5, "length", 4294967294]) {
      applyIncremental(result, { incremental: [{ items: ["x"], path: ["list", index] }] });
    }
    applyIncremental(result, { incremental: [{ items: ["b", "c"], path: ["list", 1] }] });
    const list = (result.data as { list: string[] }).list;
    assert.deepEqual(Object.keys(list), ["0", "1", "2"]);
    assert.deepEqual(list, ["a", "b", "c"]);
  });
});
