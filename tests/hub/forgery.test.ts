// PushHub hardening (issue 10, items 1 and 11): no published body or header value can end a part
// early, whoever chose the boundary, in both modes; header values above U+00FF are refused at
// publish() so snapshot() keeps working.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { parseParts } from "../../lib/parse/parse_parts.ts";
import type { Part } from "../../lib/push/part.ts";
import { until } from "../_helpers/streams.ts";

/** The boundary a viewer reads from its own response, as an attacker would. */
function boundaryOf(response: Response): string {
  const type = response.headers.get("content-type") ?? "";
  return /boundary=([^;\s]+)/.exec(type)![1];
}

async function bodiesOf(response: Response): Promise<string[]> {
  const bodies: string[] = [];
  for await (const part of parseParts(response)) bodies.push(await part.text());
  return bodies;
}

describe("PushHub: a published body cannot forge a part for other viewers (issue 10, item 1)", () => {
  for (const mode of ["replace", "mixed"] as const) {
    for (const origin of ["random", "caller's"] as const) {
      it(`${mode} mode, ${origin} boundary: a body holding --boundary is refused, viewers decode only real parts`, async () => {
        const hub = new PushHub({
          mode,
          keepAlive: Infinity,
          ...(origin === "caller's" ? { boundary: "chat-b0undary" } : {}),
        });
        const attacker = hub.response();
        const boundary = boundaryOf(attacker);
        const victim = bodiesOf(hub.response());
        hub.publish({ contentType: "text/plain", body: "hello" });
        const forged = `hi\r\n--${boundary}\r\nContent-Type: text/html\r\n\r\n<script>x()</script>`;
        for (const body of [forged, new TextEncoder().encode(forged), `--${boundary}`]) {
          assert.throws(() => hub.publish({ contentType: "text/plain", body }), {
            name: "RangeError",
            message: new RegExp(`^part\\.body contains "--${boundary}", the hub's boundary.*forge`),
          });
        }
        // What is not a whole marker still goes through.
        hub.publish({
          contentType: "text/plain",
          body: `-${boundary} and --${boundary.slice(0, -1)}`,
        });
        await attacker.body!.cancel();
        hub.close();
        // All was published before the victim read: replace mode keeps the latest frame only, and
        // its browser framing (no request) fills the announced part with it again at the end.
        const last = `-${boundary} and --${boundary.slice(0, -1)}`;
        assert.deepEqual(await victim, mode === "mixed" ? ["hello", last] : [last, last]);
      });
    }

    it(`${mode} mode: a header value holding --boundary is refused, random or caller's boundary`, () => {
      for (const hub of [new PushHub({ mode }), new PushHub({ mode, boundary: "BOUND" })]) {
        const marker = `--${hub.boundary}`;
        assert.throws(
          () =>
            hub.publish({ contentType: "text/plain", body: "x", headers: { "X-Title": marker } }),
          {
            name: "RangeError",
            message: new RegExp(`^part\\.headers X-Title contains "${marker}"`),
          },
        );
        assert.throws(
          () => hub.publish({ contentType: `text/plain; x="${marker}"`, body: "x" }),
          { name: "RangeError", message: /^part\.contentType contains/ },
        );
        hub.publish({ contentType: "text/plain", body: "x", headers: { "X-Title": hub.boundary } });
        hub.close();
      }
    });
  }

  it("PushHub.from: a source yielding a forged body breaks viewers and tells onError", async () => {
    const errors: unknown[] = [];
    let boundary = "";
    const hub = PushHub.from(async function* (): AsyncGenerator<Part> {
      yield { contentType: "text/plain", body: "ok" };
      yield { contentType: "text/plain", body: `\r\n--${boundary}\r\n\r\nforged` };
    }, { linger: 0, keepAlive: Infinity, onError: (error) => errors.push(error) });
    const response = hub.response();
    boundary = boundaryOf(response);
    const bodies: string[] = [];
    await assert.rejects(async () => {
      for await (const part of parseParts(response)) bodies.push(await part.text());
    });
    assert.deepEqual(bodies, ["ok"]);
    await until(() => errors.length === 1, 1000, "onError");
    assert.match(String(errors[0]), /RangeError: part\.body contains/);
    hub.close();
  });
});

describe("PushHub: header values above U+00FF (issue 10, item 11)", () => {
  it("publish refuses them with a TypeError naming the rule; snapshot() keeps working", async () => {
    const hub = new PushHub();
    hub.publish({
      contentType: "text/plain; charset=latin1",
      body: "caf\xE9",
      headers: { "X-A": "\xE9" },
    });
    assert.throws(() => hub.publish({ contentType: "text/plain; title=€", body: "x" }), {
      name: "TypeError",
      message:
        /^part\.contentType: header Content-Type has a character above U\+00FF \(U\+20AC "€"\).*Latin-1/,
    });
    assert.throws(
      () => hub.publish({ contentType: "text/plain", body: "x", headers: { "X-Title": "日本" } }),
      {
        name: "TypeError",
        message: /^part\.headers: header X-Title has a character above U\+00FF \(U\+65E5/,
      },
    );
    assert.throws(
      () => hub.publish({ contentType: "text/plain", body: "x", headers: { "X-E": "\u{1F600}" } }),
      { name: "TypeError", message: /U\+1F600/ },
    );
    for (let i = 0; i < 3; i++) {
      const still = hub.snapshot();
      assert.equal(still.status, 200);
      assert.equal(still.headers.get("content-type"), "text/plain; charset=latin1");
      assert.equal(await still.text(), "café");
    }
    hub.close();
  });
});
