/**
 * The GraphQL clients the tests read `graphqlResponse` with, each behind one signature: run an
 * operation against a URL, note when each value of the result first shows up, and hand back the
 * final result as that client builds it. Apollo Client 4 and urql merge payloads themselves;
 * meros, fetch-multipart-graphql and our `graphqlPayloads` yield raw payloads, merged here with
 * `applyIncremental`.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { Defer20220824Handler, GraphQL17Alpha9Handler } from "@apollo/client/incremental";
import { Client, fetchExchange } from "@urql/core";
import * as fetchMultipartModule from "fetch-multipart-graphql";
import { meros } from "meros/browser";
import { applyIncremental, graphqlPayloads } from "../../lib/graphql/mod.ts";
import type { GraphQLResult, JsonObject } from "../../lib/graphql/mod.ts";

/** What a client saw: when each leaf value first appeared, and the final data. */
export interface Seen {
  at: Map<string, number>;
  data: unknown;
}

/** Runs `query` against `url` and resolves when the client says the operation is over. */
export type GraphQLClient = (url: string, query: string) => Promise<Seen>;

/** Notes the first time each string or number leaf of `data` is seen. */
function note(at: Map<string, number>, data: unknown): void {
  const now = performance.now();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
    else if (typeof value === "string" || typeof value === "number") {
      if (!at.has(String(value))) at.set(String(value), now);
    }
  };
  walk(data);
}

/** Drops `__typename`, which Apollo Client adds to every selection. */
export function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).filter(([k]) => k !== "__typename").map((
      [k, v],
    ) => [k, withoutTypename(v)]),
  );
}

const post = (query: string, accept: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", accept },
  body: JSON.stringify({ query }),
});
const isSubscription = (query: string) => /^\s*subscription\b/.test(query);
// What a Relay user would send: plain multipart/mixed for @defer, the spec for subscriptions.
const accept = (query: string) =>
  isSubscription(query)
    ? "multipart/mixed;subscriptionSpec=1.0, application/json"
    : "multipart/mixed, application/json";
/** A CommonJS module's `exports.default`: `.default.default` in Node and Deno, `.default` in Bun. */
function cjsDefault(module: unknown): unknown {
  let value = module as { default?: unknown };
  while (typeof value !== "function" && value?.default !== undefined) {
    value = value.default as { default?: unknown };
  }
  return value;
}
const fetchMultipart = cjsDefault(fetchMultipartModule) as (url: string, params: {
  method: string;
  headers: Record<string, string>;
  body: string;
  onNext: (payloads: JsonObject[]) => void;
  onError: (error: unknown) => void;
  onComplete: () => void;
}) => void;

/** Merges raw payloads (subscription events replace the data) and notes each. */
function merger(seen: Seen): (payload: JsonObject) => void {
  const result: GraphQLResult = {};
  return (payload) => {
    applyIncremental(result, payload);
    seen.data = result.data;
    note(seen.at, result.data);
  };
}

const ours: GraphQLClient = async (url, query) => {
  const seen: Seen = { at: new Map(), data: undefined };
  const merge = merger(seen);
  const response = await fetch(url, post(query, accept(query)));
  for await (const payload of graphqlPayloads(response)) {
    merge(isSubscription(query) ? { payload } : payload);
  }
  return seen;
};

const merosClient: GraphQLClient = async (url, query) => {
  const seen: Seen = { at: new Map(), data: undefined };
  const merge = merger(seen);
  const parts = await meros<JsonObject>(await fetch(url, post(query, accept(query))));
  if (parts instanceof Response) throw new Error(`not multipart: ${parts.status}`);
  for await (const part of parts) {
    if (Object.keys(part.body).length > 0) merge(part.body);
  }
  return seen;
};

const fetchMultipartClient: GraphQLClient = (url, query) => {
  const seen: Seen = { at: new Map(), data: undefined };
  const merge = merger(seen);
  const init = post(query, accept(query));
  return new Promise((resolve, reject) => {
    fetchMultipart(url, {
      method: "POST",
      headers: init.headers as Record<string, string>,
      body: init.body as string,
      onNext: (payloads) => {
        for (const payload of payloads) if (Object.keys(payload).length > 0) merge(payload);
      },
      onError: reject,
      onComplete: () => resolve(seen),
    });
  });
};

const urqlClient: GraphQLClient = (url, query) => {
  const seen: Seen = { at: new Map(), data: undefined };
  const client = new Client({
    url,
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetchSubscriptions: true,
    requestPolicy: "network-only",
  });
  return new Promise((resolve, reject) => {
    const source = isSubscription(query) ? client.subscription(query, {}) : client.query(query, {});
    const { unsubscribe } = source.subscribe((result) => {
      if (result.error) return reject(result.error);
      if (result.data) {
        seen.data = result.data;
        note(seen.at, result.data);
      }
      if (result.hasNext === false) {
        queueMicrotask(() => unsubscribe());
        resolve(seen);
      }
    });
  });
};

function apolloClient(handler: "Defer20220824Handler" | "GraphQL17Alpha9Handler"): GraphQLClient {
  return (url, query) => {
    const seen: Seen = { at: new Map(), data: undefined };
    const client = new ApolloClient({
      link: new HttpLink({ uri: url }),
      cache: new InMemoryCache(),
      incrementalHandler: handler === "Defer20220824Handler"
        ? new Defer20220824Handler()
        : new GraphQL17Alpha9Handler(),
    });
    const document = gql(query);
    return new Promise<Seen>((resolve, reject) => {
      const observer = {
        next: (result: { data?: unknown; error?: unknown }) => {
          if (result.error) return reject(result.error);
          if (result.data) {
            seen.data = withoutTypename(result.data);
            note(seen.at, result.data);
          }
        },
        error: reject,
        complete: () => resolve(seen),
      };
      if (isSubscription(query)) client.subscribe({ query: document }).subscribe(observer);
      else {
        const watch = client.watchQuery({ query: document, fetchPolicy: "no-cache" });
        const subscription = watch.subscribe({
          ...observer,
          next: (result) => {
            observer.next(result);
            if (result.dataState === "complete" && result.networkStatus === 7) {
              queueMicrotask(() => subscription.unsubscribe());
              resolve(seen);
            }
          },
        });
      }
    }).finally(() => client.stop());
  };
}

/** Every client, by the name the tests print. */
export const clients: Record<string, GraphQLClient> = {
  "graphqlPayloads": ours,
  "meros": merosClient,
  "fetch-multipart-graphql": fetchMultipartClient,
  "urql (@urql/core)": urqlClient,
  "Apollo Client 4 (Defer20220824Handler)": apolloClient("Defer20220824Handler"),
  "Apollo Client 4 (GraphQL17Alpha9Handler)": apolloClient("GraphQL17Alpha9Handler"),
};
