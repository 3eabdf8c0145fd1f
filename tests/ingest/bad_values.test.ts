// Issue 20: the new options, each bad value and the error it gets, thrown before any byte is read:
// ingest's required `authorize` (a check or "anyone"), `allowTypes`, `onError`, and relay's
// `onError`. Per option, as in tests/push/bad_values.test.ts.
import { describe, it } from "node:test";
import { ingest } from "../../lib/ingest/ingest.ts";
import type { IngestOptions } from "../../lib/ingest/ingest_options.ts";
import { PushHub } from "../../lib/hub/push_hub.ts";
import { relay, type RelayOptions } from "../../lib/parse/relay.ts";
import { assertThrowsExactly, type BadCall } from "../_helpers/throws.ts";
import { JPEGS, upload } from "./_uploads.ts";

const target = { publish: () => {} };
const take = (options: unknown) => (): unknown =>
  ingest(upload(JPEGS[0], "image/jpeg"), target, options as IngestOptions);
const open = (more: Record<string, unknown>) => take({ authorize: "anyone", ...more });
const upstream = (): Response =>
  new Response("--B--\r\n", { headers: { "Content-Type": "multipart/mixed;boundary=B" } });

const AUTHORIZE =
  /^options\.authorize must be a function \(a check such as bearerToken\(token\)\) or "anyone" \(open publishing, on purpose\), got /;

/** Per option: each bad value, and the error it gets. */
const table: Record<string, BadCall[]> = {
  "options (ingest)": [
    [
      "left out",
      take(undefined),
      TypeError,
      /^options must be an object with authorize .*got undefined$/,
    ],
    ["null", take(null), TypeError, /^options must be an object with authorize .*got null$/],
    [
      "left out, into a hub",
      () => ingest(upload(JPEGS[0], "image/jpeg"), new PushHub(), undefined as never),
      TypeError,
      /^options must be an object with authorize .*got undefined$/,
    ],
  ],
  "options.authorize": [
    ["left out", take({}), TypeError, new RegExp(AUTHORIZE.source + "undefined$")],
    ["undefined", take({ authorize: undefined }), TypeError, /got undefined$/],
    ["another string", take({ authorize: "everyone" }), TypeError, /got the string "everyone"$/],
    ["true", take({ authorize: true }), TypeError, new RegExp(AUTHORIZE.source + "true$")],
    ["null", take({ authorize: null }), TypeError, /got null$/],
    [
      "left out, into a hub",
      () => ingest(upload(JPEGS[0], "image/jpeg"), new PushHub(), { maxFrameSize: 100 } as never),
      TypeError,
      new RegExp(AUTHORIZE.source + "undefined$"),
    ],
  ],
  "options.allowTypes": [
    [
      "a string",
      open({ allowTypes: "image/svg+xml" }),
      TypeError,
      /^options\.allowTypes must be an array of media types, got the string "image\/svg\+xml"$/,
    ],
    ["null", open({ allowTypes: null }), TypeError, /^options\.allowTypes must be .*got null$/],
    [
      "a number in it",
      open({ allowTypes: ["image/gif", 5] }),
      TypeError,
      /^options\.allowTypes\[1\] must be a media type such as "image\/svg\+xml" \(type\/subtype, no parameters\), got 5$/,
    ],
    [
      "a type with parameters",
      open({ allowTypes: ["text/html; charset=utf-8"] }),
      TypeError,
      /^options\.allowTypes\[0\] must be .*got the string "text\/html; charset=utf-8"$/,
    ],
    ["no subtype", open({ allowTypes: ["text"] }), TypeError, /got the string "text"$/],
    ["empty", open({ allowTypes: [""] }), TypeError, /got the string ""$/],
  ],
  "options.onError (ingest)": [
    [
      "a string",
      open({ onError: "log" }),
      TypeError,
      /^options\.onError must be a function, got the string "log"$/,
    ],
    ["null", open({ onError: null }), TypeError, /^options\.onError must be a function, got null$/],
  ],
  "options.onError (relay)": [
    [
      "a number",
      () => relay(upstream(), () => {}, { onError: 1 } as unknown as RelayOptions),
      TypeError,
      /^options\.onError must be a function, got 1$/,
    ],
    [
      "null, with a URL",
      () => relay("http://127.0.0.1:9/", () => {}, { onError: null } as unknown as RelayOptions),
      TypeError,
      /^options\.onError must be a function, got null$/,
    ],
  ],
};

describe("bad values of issue 20's options, per option", () => {
  for (const [option, rows] of Object.entries(table)) {
    for (const [what, call, kind, message] of rows) {
      it(`${option}: ${what} gets a ${kind.name}`, () => {
        assertThrowsExactly(call, kind, message);
      });
    }
  }
});
