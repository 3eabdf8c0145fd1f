/**
 * `Accept` negotiation for GraphQL over HTTP: which wire format answers a
 * request, given what kind of result the server has.
 *
 * @module
 */

import type { GraphQLWireFormat } from "./types.ts";

/** The kind of result being served. */
export type ResultKind = "single" | "incremental" | "subscription";

interface Offer {
  format: GraphQLWireFormat;
  type: string;
  subtype: string;
  /** The spec parameter this format is named by (lowercase name), if any. */
  spec?: [string, string] | undefined;
}

const JSON_OFFERS: Offer[] = [
  { format: "graphql-response+json", type: "application", subtype: "graphql-response+json" },
  { format: "json", type: "application", subtype: "json" },
];
// Legacy first: a client naming no spec (urql, meros, fetch-multipart-graphql) reads the 2022
// format, and urql misplaces @stream items of the newer one.
const INCREMENTAL_OFFERS: Offer[] = [
  { format: "legacy", type: "multipart", subtype: "mixed", spec: ["deferspec", "20220824"] },
  {
    format: "incremental",
    type: "multipart",
    subtype: "mixed",
    spec: ["incrementalspec", "v0.2"],
  },
];
const OFFERS: Record<ResultKind, Offer[]> = {
  single: [...JSON_OFFERS, ...INCREMENTAL_OFFERS],
  incremental: INCREMENTAL_OFFERS,
  subscription: [
    {
      format: "subscription",
      type: "multipart",
      subtype: "mixed",
      spec: ["subscriptionspec", "1.0"],
    },
  ],
};

interface MediaRange {
  type: string;
  subtype: string;
  /** The parameters that name a format: lowercase `[name, value]`, without `q` and IGNORED. */
  params: [string, string][];
  q: number;
}

/** Parameters that say nothing about the payload format. */
const IGNORED = new Set(["boundary", "charset"]);

/**
 * Splits an `Accept` value into media ranges in one pass that reads each
 * character once (a regex split rescanned the rest of the header from every
 * quote left open: quadratic in a hostile header). A quoted string (RFC 9110)
 * hides `,` `;` and `=`, loses its quotes and its backslash escapes; one left
 * open runs to the end of the header.
 */
function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  const fields: string[] = [];
  let field = "";
  let start = 0;
  let quoted = false;
  let escaped = false;
  const end = (i: number, last: boolean): void => {
    fields.push(field + accept.slice(start, i));
    field = "";
    start = i + 1;
    if (!last) return;
    const range = mediaRange(fields);
    if (range) ranges.push(range);
    fields.length = 0;
  };
  for (let i = 0; i < accept.length; i++) {
    const c = accept.charCodeAt(i);
    if (escaped) escaped = false;
    else if (quoted && c === BACKSLASH) {
      field += accept.slice(start, i);
      start = i + 1;
      escaped = true;
    } else if (c === QUOTE) {
      field += accept.slice(start, i);
      start = i + 1;
      quoted = !quoted;
    } else if (!quoted && (c === COMMA || c === SEMICOLON)) end(i, c === COMMA);
  }
  end(accept.length, true);
  return ranges;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;

/** One media range from its fields (`type/subtype`, then `name=value` parameters), or null. */
function mediaRange(fields: string[]): MediaRange | null {
  const range = fields[0].trim().toLowerCase();
  const slash = range.indexOf("/");
  const type = range.slice(0, slash);
  const extra = range.indexOf("/", slash + 1);
  const subtype = range.slice(slash + 1, extra < 0 ? range.length : extra);
  if (slash < 0 || !type || !subtype) return null;
  const params: [string, string][] = [];
  let q = 1;
  for (let i = 1; i < fields.length; i++) {
    const eq = fields[i].indexOf("=");
    if (eq < 0) continue;
    const name = fields[i].slice(0, eq).trim().toLowerCase();
    const value = fields[i].slice(eq + 1).trim().toLowerCase();
    if (name === "q") q = Number(value);
    else if (!IGNORED.has(name)) params.push([name, value]);
  }
  return { type, subtype, params, q: Number.isFinite(q) ? q : 0 };
}

/** How well `range` names `offer`: -1 not at all, higher is more specific. */
function specificity(range: MediaRange, offer: Offer): number {
  if (range.type !== "*" && range.type !== offer.type) return -1;
  if (range.subtype !== "*" && range.subtype !== offer.subtype) return -1;
  for (const [name, value] of range.params) {
    if (offer.spec?.[0] !== name || offer.spec[1] !== value) return -1;
  }
  return (range.type === "*" ? 0 : 1) + (range.subtype === "*" ? 0 : 2) + range.params.length * 4;
}

/** The format chosen, and whether the client named its spec parameter (then it knows the protocol). */
export interface Negotiated {
  format: GraphQLWireFormat;
  named: boolean;
}

/**
 * The wire format that answers `accept` for a result of `kind`, or `null`
 * when the client accepts none (a 406). A missing `Accept` counts as
 * `application/json` (GraphQL over HTTP). Each offer takes the quality of the
 * most specific range naming it; the highest quality wins, ties going to the
 * first offer (JSON before multipart, `graphql-response+json` before `json`,
 * the 2022 format before `incrementalSpec=v0.2`).
 *
 * @example
 * ```ts ignore
 * negotiate("multipart/mixed;incrementalSpec=v0.2,application/json;q=0.9", "incremental");
 * // { format: "incremental", named: true }
 * ```
 */
export function negotiate(accept: string | null, kind: ResultKind): Negotiated | null {
  const ranges = parseAccept(accept === null || accept.trim() === "" ? "application/json" : accept);
  let best: Negotiated | null = null;
  let bestQ = 0;
  for (const offer of OFFERS[kind]) {
    let q = 0;
    let most = -1;
    for (const range of ranges) {
      const s = specificity(range, offer);
      if (s > most) [most, q] = [s, range.q];
    }
    if (most >= 0 && q > bestQ) [best, bestQ] = [{ format: offer.format, named: most >= 4 }, q];
  }
  return best;
}

/**
 * The `Content-Type` of a response in `format`, with the spec parameter echoed.
 *
 * @example
 * ```ts ignore
 * contentTypeOf("legacy", "-"); // 'multipart/mixed;boundary="-";deferSpec=20220824'
 * ```
 */
export function contentTypeOf(format: GraphQLWireFormat, boundary: string): string {
  switch (format) {
    case "graphql-response+json":
      return "application/graphql-response+json; charset=utf-8";
    case "json":
      return "application/json; charset=utf-8";
    case "legacy":
      return `multipart/mixed;boundary="${boundary}";deferSpec=20220824`;
    case "incremental":
      return `multipart/mixed;boundary="${boundary}";incrementalSpec=v0.2`;
    case "subscription":
      return `multipart/mixed;boundary="${boundary}";subscriptionSpec=1.0`;
  }
}

/** How much of a refused `Accept` a 406 quotes. */
const ACCEPT_SHOWN = 200;

/**
 * The message of a 406: what the request sent (its first 200 characters), and what to send instead.
 *
 * @example
 * ```ts ignore
 * notAcceptable("incremental", "application/json");
 * // "This operation uses @defer or @stream and is delivered as multipart/mixed, but the
 * // request sent Accept: application/json. Add \"multipart/mixed;deferSpec=20220824\" …"
 * ```
 */
export function notAcceptable(kind: ResultKind, accept: string | null): string {
  // The header is the client's own text: quoted back only as far as a reader needs it.
  const asked = accept === null
    ? "no Accept header (which means application/json)"
    : `Accept: ${accept.length > ACCEPT_SHOWN ? `${accept.slice(0, ACCEPT_SHOWN)}…` : accept}`;
  if (kind === "subscription") {
    return `This subscription is delivered as multipart/mixed;subscriptionSpec=1.0, but the request sent ${asked}. Add "multipart/mixed;subscriptionSpec=1.0" to Accept.`;
  }
  if (kind === "incremental") {
    return `This operation uses @defer or @stream and is delivered as multipart/mixed, but the request sent ${asked}. Add "multipart/mixed;deferSpec=20220824" (the 2022 format) or "multipart/mixed;incrementalSpec=v0.2" (graphql-js 17's) to Accept.`;
  }
  return `This result is JSON (application/graphql-response+json or application/json), but the request sent ${asked}.`;
}
