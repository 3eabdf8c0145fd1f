// Signed, expiring URLs: round trips, every kind of tampering refused, expiry, bad input.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { signUrl, verifySignedUrl } from "../../lib/access/signed_url.ts";
import { runtime } from "../_helpers/runtime.ts";

const SECRET = "0123456789abcdef-server-secret";
const NOW = 1_800_000_000_000;
const at = (url: string): Request => new Request(new URL(url, "http://cam.example"));

async function verdict(url: string, now = NOW, secret = SECRET): Promise<string> {
  const result = await verifySignedUrl(at(url), secret, { now });
  if (result === true) return "ok";
  assert.equal(result.status, 403);
  return await result.text();
}

describe(`signUrl / verifySignedUrl (${runtime})`, () => {
  it("a path-only URL stays path-only, keeps its parameters, and verifies until exp", async () => {
    const signed = await signUrl("/stream?cam=2", SECRET, { expiresIn: 60, now: NOW });
    assert.match(signed, /^\/stream\?cam=2&exp=1800000060&sig=[A-Za-z0-9_-]{43}$/);
    assert.equal(await verdict(signed), "ok");
    assert.equal(await verdict(signed, NOW + 59_999), "ok");
    assert.match(await verdict(signed, NOW + 60_000), /has expired/);
  });

  it("an absolute URL verifies on any host (only path and query are signed)", async () => {
    const signed = await signUrl("https://a.example:8443/cam", SECRET, { now: NOW });
    assert.match(signed, /^https:\/\/a\.example:8443\/cam\?exp=1800000300&sig=/);
    const moved = signed.replace("https://a.example:8443", "http://b.example");
    assert.equal(await verdict(moved), "ok");
    assert.equal(await verdict(`${signed}#frag`), "ok");
  });

  it("the default expiry is 300 s", async () => {
    const signed = await signUrl(new URL("http://x/a"), SECRET, { now: NOW });
    assert.equal(new URL(signed).searchParams.get("exp"), String(NOW / 1000 + 300));
  });

  it("a secret given as bytes or as a CryptoKey signs the same as its text", async () => {
    const bytes = new TextEncoder().encode(SECRET);
    const key = await crypto.subtle.importKey(
      "raw",
      bytes,
      { name: "HMAC", hash: "SHA-256" },
      false,
      [
        "sign",
      ],
    );
    const a = await signUrl("/s", SECRET, { now: NOW });
    assert.equal(await signUrl("/s", bytes, { now: NOW }), a);
    assert.equal(await signUrl("/s", key, { now: NOW }), a);
  });

  it("tampering with the path or any parameter is refused", async () => {
    const signed = await signUrl("/cam/1?size=small&cam=1", SECRET, { expiresIn: 600, now: NOW });
    const sig = new URL(signed, "http://x").searchParams.get("sig")!;
    const cases: [string, string][] = [
      ["other path", signed.replace("/cam/1", "/cam/2")],
      ["trailing slash", signed.replace("/cam/1", "/cam/1/")],
      ["edited parameter", signed.replace("size=small", "size=large")],
      ["removed parameter", signed.replace("size=small&", "")],
      ["added parameter", `${signed}&admin=1`],
      ["added before sig", signed.replace("&sig=", "&x=1&sig=")],
      ["reordered parameters", signed.replace("size=small&cam=1", "cam=1&size=small")],
      ["later exp", signed.replace(/exp=\d+/, "exp=1900000000")],
      [
        "other secret's sig",
        signed.replace(
          sig,
          (await signUrl("/cam/1?size=small&cam=1", `${SECRET}!`, { expiresIn: 600, now: NOW }))
            .split("sig=")[1],
        ),
      ],
      ["flipped sig character", signed.replace(sig, (sig[0] === "A" ? "B" : "A") + sig.slice(1))],
      ["truncated sig", signed.replace(sig, sig.slice(0, 42))],
    ];
    // A flipped last byte: the whole MAC is compared, not a prefix of it.
    const mac = Uint8Array.from(
      atob(sig.replaceAll("-", "+").replaceAll("_", "/") + "="),
      (c) => c.charCodeAt(0),
    );
    mac[31] ^= 1;
    const flipped = btoa(String.fromCharCode(...mac)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    cases.push(["flipped last byte of the MAC", signed.replace(sig, flipped)]);
    // A well-spelled MAC that is a prefix of the right one (its first 31 bytes), and an empty
    // one: the lengths must match, not only the bytes both have.
    const prefix = btoa(String.fromCharCode(...mac.subarray(0, 31))).replaceAll("+", "-")
      .replaceAll("/", "_").replace(/=+$/, "");
    cases.push(["the MAC's first 31 bytes", signed.replace(sig, prefix)]);
    cases.push(["an empty sig", signed.replace(sig, "")]);
    for (const [what, url] of cases) {
      assert.match(await verdict(url), /signature does not match/, what);
    }
  });

  it("a forged URL is told its signature does not match even when its exp has passed too", async () => {
    const signed = await signUrl("/cam", SECRET, { expiresIn: 60, now: NOW });
    const forged = signed.replace(/sig=.*/, `sig=${"A".repeat(43)}`);
    assert.match(await verdict(forged, NOW + 3_600_000), /signature does not match/);
    assert.match(await verdict(signed, NOW + 3_600_000), /has expired/);
  });

  it("exp is the signing second rounded down plus expiresIn; refused from that instant on", async () => {
    const now = NOW + 999; // 1800000000.999 s
    const signed = await signUrl("/cam", SECRET, { expiresIn: 10, now });
    assert.equal(new URL(signed, "http://x").searchParams.get("exp"), "1800000010");
    assert.equal(await verdict(signed, NOW + 9_999), "ok");
    assert.match(await verdict(signed, NOW + 10_000), /has expired/);
  });

  it("malformed or missing signatures get their own reason", async () => {
    const table: [string, RegExp][] = [
      ["/cam", /not signed/],
      ["/cam?exp=1900000000", /not signed/],
      ["/cam?sig=abc", /malformed/],
      ["/cam?exp=soon&sig=abc", /malformed/],
      ["/cam?exp=1&exp=2&sig=abc", /malformed/],
      ["/cam?exp=1900000000&sig=a&sig=b", /malformed/],
      ["/cam?exp=1900000000&sig=not*base64", /does not match/],
    ];
    for (const [url, reason] of table) assert.match(await verdict(url), reason, url);
    const refused = await verifySignedUrl(at("/cam"), SECRET);
    assert.ok(refused !== true);
    assert.equal(refused.headers.get("cache-control"), "no-store");
  });

  it("bad arguments throw, naming the argument, the rule and what was given", async () => {
    const table: [() => Promise<unknown>, ErrorConstructor, RegExp][] = [
      [
        () => signUrl(42 as never, SECRET),
        TypeError,
        /^url must be a string or URL, got 42/,
      ],
      [
        () => signUrl("cam", SECRET),
        TypeError,
        /^url must be an absolute URL or a path .*got the string "cam"/,
      ],
      [() => signUrl("//evil.example/x", SECRET), TypeError, /got the string "\/\/evil/],
      [() => signUrl("/a?sig=1", SECRET), RangeError, /^url must not have an "sig" parameter/],
      [() => signUrl("/a?exp=1", SECRET), RangeError, /^url must not have an "exp" parameter/],
      [() => signUrl("/a", "short"), RangeError, /^secret must be at least 16 bytes, got 5/],
      [
        () => signUrl("/a", 7 as never),
        TypeError,
        /^secret must be a string, Uint8Array or CryptoKey, got 7/,
      ],
      [
        () => signUrl("/a", SECRET, { expiresIn: 0 }),
        RangeError,
        /^options.expiresIn must be a whole number of seconds >= 1, got 0/,
      ],
      [
        () => signUrl("/a", SECRET, { expiresIn: "60" as never }),
        RangeError,
        /got the string "60"/,
      ],
      [() => signUrl("/a", SECRET, { expiresIn: 1.5 }), RangeError, /got 1.5/],
      [
        () => signUrl("/a", SECRET, "x" as never),
        TypeError,
        /^options must be an object, got the string "x"/,
      ],
      [
        () => signUrl("/a", SECRET, { now: NaN }),
        TypeError,
        /^options.now must be a finite number/,
      ],
      [
        () => verifySignedUrl("/a" as never, SECRET),
        TypeError,
        /^request must be a Request, got the string "\/a"/,
      ],
      [() => verifySignedUrl(at("/a"), "short"), RangeError, /^secret must be at least 16 bytes/],
      [
        () => verifySignedUrl(at("/a"), SECRET, { now: "1" as never }),
        TypeError,
        /^options.now must be a finite number of milliseconds, got the string "1"/,
      ],
    ];
    for (const [call, type, message] of table) {
      await assert.rejects(call, (error: Error) => {
        assert.ok(error instanceof type, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
    }
    const aes = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, [
      "encrypt",
    ]);
    await assert.rejects(
      () => signUrl("/a", aes as CryptoKey),
      /^TypeError: secret must be an HMAC SHA-256 CryptoKey, got a AES-GCM key/,
    );
  });
});

describe(`signed URLs, issue 20 (${runtime})`, () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  it("a sig has exactly one spelling: the last character's three other spellings are refused (11)", async () => {
    const signed = await signUrl("/stream?cam=2", SECRET, { now: NOW });
    const sig = new URL(signed, "http://x").searchParams.get("sig")!;
    assert.equal(sig.length, 43, "32 bytes: 43 characters, the last carries 2 unused bits");
    const last = ALPHABET.indexOf(sig.at(-1)!);
    assert.equal(last & 3, 0, "signUrl writes the unused bits as zeros");
    const others = [1, 2, 3].map((bits) => signed.slice(0, -1) + ALPHABET[last | bits]);
    for (const other of others) {
      assert.match(await verdict(other), /signature does not match/, other);
    }
    assert.equal(await verdict(signed), "ok");
  });

  it("one numeric reload parameter (watchImage's cache buster) is left out of the signature; anything else is not (7)", async () => {
    const signed = await signUrl("/stream?cam=2", SECRET, { now: NOW });
    assert.equal(await verdict(`${signed}&reload=1764322800123`), "ok");
    assert.equal(await verdict(signed.replace("?", "?reload=5&")), "ok", "wherever it stands");
    for (const bad of ["&reload=abc", "&reload=1&reload=2", "&reload=", "&reload=1e3"]) {
      assert.match(await verdict(signed + bad), /signature does not match/, bad);
    }
    await assert.rejects(
      signUrl("/stream?reload=1", SECRET),
      (error: Error) =>
        error instanceof RangeError &&
        /^url must not have an "reload" parameter \(watchImage's cache buster, not signed\)/.test(
          error.message,
        ),
    );
  });
});
