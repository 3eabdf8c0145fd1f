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
  /** The spec parameter this format is named by (lowercase name), if any. */
  spec?: [string, string] | undefined;
}

const JSON_OFFERS: Offer[] = [
  { format: "graphql-response+json", type: "application/graphql-response+json" },
  { format: "json", type: "application/json" },
];
// Legacy first: a client naming no spec (urql, meros, fetch-multipart-graphql) reads the 2022
// format, and urql misplaces @stream items of the newer one.
const INCREMENTAL_OFFERS: Offer[] = [
  { format: "legacy", type: "multipart/mixed", spec: ["deferspec", "20220824"] },
  { format: "incremental", type: "multipart/mixed", spec: ["incrementalspec", "v0.2"] },
];
const OFFERS: Record<ResultKind, Offer[]> = {
  single: [...JSON_OFFERS, ...INCREMENTAL_OFFERS],
  incremental: INCREMENTAL_OFFERS,
  subscription: [
    { format: "subscription", type: "multipart/mixed", spec: ["subscriptionspec", "1.0"] },
  ],
};

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
}

/** Parameters that say nothing about the payload format. */
const IGNORED = new Set(["q", "boundary", "charset"]);

/** Splits an `Accept` value into media ranges, honouring quoted strings. */
function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const item of accept.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const [range, ...rest] = item.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
    const [type, subtype] = (range ?? "").trim().toLowerCase().split("/");
    if (!type || !subtype) continue;
    const params = new Map<string, string>();
    for (const param of rest) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const value = param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      params.set(param.slice(0, eq).trim().toLowerCase(), value.toLowerCase());
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    ranges.push({ type, subtype, params, q: Number.isFinite(q) ? q : 0 });
  }
  return ranges;
}

/** How well `range` names `offer`: -1 not at all, higher is more specific. */
function specificity(range: MediaRange, offer: Offer): number {
  const [type, subtype] = offer.type.split("/");
  if (range.type !== "*" && range.type !== type) return -1;
  if (range.subtype !== "*" && range.subtype !== subtype) return -1;
  let named = 0;
  for (const [name, value] of range.params) {
    if (IGNORED.has(name)) continue;
    if (offer.spec?.[0] !== name || offer.spec[1] !== value) return -1;
    named++;
  }
  return (range.type === "*" ? 0 : 1) + (range.subtype === "*" ? 0 : 2) + named * 4;
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

/**
 * The message of a 406: what the request sent, and what to send instead.
 *
 * @example
 * ```ts ignore
 * notAcceptable("incremental", "application/json");
 * // "This operation uses @defer or @stream and is delivered as multipart/mixed, but the
 * // request sent Accept: application/json. Add \"multipart/mixed;deferSpec=20220824\" …"
 * ```
 */
export function notAcceptable(kind: ResultKind, accept: string | null): string {
  const asked = accept === null
    ? "no Accept header (which means application/json)"
    : `Accept: ${accept}`;
  if (kind === "subscription") {
    return `This subscription is delivered as multipart/mixed;subscriptionSpec=1.0, but the request sent ${asked}. Add "multipart/mixed;subscriptionSpec=1.0" to Accept.`;
  }
  if (kind === "incremental") {
    return `This operation uses @defer or @stream and is delivered as multipart/mixed, but the request sent ${asked}. Add "multipart/mixed;deferSpec=20220824" (the 2022 format) or "multipart/mixed;incrementalSpec=v0.2" (graphql-js 17's) to Accept.`;
  }
  return `This result is JSON (application/graphql-response+json or application/json), but the request sent ${asked}.`;
}
