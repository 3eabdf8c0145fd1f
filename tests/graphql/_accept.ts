/**
 * The `Accept` headers real GraphQL clients send, as the negotiation table lists them. The client
 * test checks that Apollo Client 4 and urql still send exactly these.
 */
export const ACCEPT = {
  /** Apollo Client 4, a query without @defer (selectHttpOptionsAndBody.js). */
  apolloQuery: "application/graphql-response+json,application/json;q=0.9",
  /** Apollo Client 4, @defer with the default Defer20220824Handler. */
  apolloDefer:
    "multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9",
  /** Apollo Client 4, @defer with GraphQL17Alpha9Handler. */
  apolloAlpha9:
    "multipart/mixed;incrementalSpec=v0.2,application/graphql-response+json,application/json;q=0.9",
  /** Apollo Client 4, a subscription over HttpLink. */
  apolloSubscription:
    "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/graphql-response+json,application/json;q=0.9",
  /** urql (@urql/core fetchExchange), queries. */
  urqlQuery:
    "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed",
  /** urql, subscriptions with fetchSubscriptions. */
  urqlSubscription: "text/event-stream, multipart/mixed",
  /** Apollo Router's docs, curl for @defer. */
  routerDefer: "multipart/mixed;deferSpec=20220824, application/json",
  /** Apollo Router's docs, curl for a subscription. */
  routerSubscription: 'multipart/mixed;subscriptionSpec="1.0", application/json',
  /** curl's default. */
  curl: "*/*",
  jsonOnly: "application/json",
} as const;
