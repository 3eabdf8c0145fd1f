// doctor()'s bad arguments (issue 24): each is refused before a connection is made, naming the
// argument, the rule and what was given. No server runs: a refusal that came late would be a
// ConnectError from 127.0.0.1:9 instead.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { doctor } from "../../lib/cli/doctor.ts";

const URL = "http://127.0.0.1:9/stream";

describe("doctor refuses a bad argument at once", () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      "a url that is not http(s)",
      () => doctor("ftp://127.0.0.1/stream"),
      /^TypeError: url must be an http:\/\/ or https:\/\/ URL, got the string "ftp:\/\/127\.0\.0\.1\/stream"$/,
    ],
    [
      "a url that is no URL",
      () => doctor("stream"),
      /^TypeError: url must be an http:\/\/ or https:\/\/ URL, got the string "stream"$/,
    ],
    [
      "options.seconds 0",
      () => doctor(URL, { seconds: 0 }),
      /^RangeError: options\.seconds must be a number of seconds > 0 and <= 3600, got 0$/,
    ],
    [
      "options.seconds 3601",
      () => doctor(URL, { seconds: 3601 }),
      /^RangeError: options\.seconds must be a number of seconds > 0 and <= 3600, got 3601$/,
    ],
    [
      "options.seconds a string",
      () => doctor(URL, { seconds: "5" as never }),
      /^RangeError: options\.seconds must be .*, got the string "5"$/,
    ],
    [
      "options.reader a string",
      () => doctor(URL, { reader: "no" as never }),
      /^TypeError: options\.reader must be a boolean, got the string "no"$/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(name, async () => {
      await assert.rejects(call, message);
    });
  }
});
