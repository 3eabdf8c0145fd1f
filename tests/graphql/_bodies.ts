/**
 * Requests and bodies for the graphqlResponse tests: a GraphQL request with an Accept header, an
 * incremental result, and a body read chunk by chunk with the time each arrived.
 */
import type { JsonObject } from "../../lib/graphql/mod.ts";

/** A GraphQL request that accepts `accept` (no Accept header for `null`). */
export const request = (accept: string | null = "multipart/mixed, application/json"): Request =>
  new Request("http://x/graphql", { headers: accept === null ? {} : { accept } });

/** An incremental result whose later payloads come from `rest`. */
export function incremental(
  rest: AsyncIterable<JsonObject>,
): { initialResult: JsonObject; subsequentResults: AsyncIterable<JsonObject> } {
  return { initialResult: { data: { a: 1 }, hasNext: true }, subsequentResults: rest };
}

/** Every chunk of a body, decoded, each with the time it arrived; `each` sees each as it comes. */
export async function chunks(
  response: Response,
  each?: (text: string) => void,
): Promise<{ text: string; at: number }[]> {
  const out: { text: string; at: number }[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    out.push({ text: decoder.decode(chunk), at: performance.now() });
    each?.(out.at(-1)!.text);
  }
  return out;
}
