import { authExchange } from "@urql/exchange-auth";
import { Client, fetchExchange, subscriptionExchange, type CombinedError } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { getAccessToken, refreshSession } from "@/lib/auth/session";
import { isAccessTokenFresh, useAuthStore } from "@/lib/auth/store";
import { GRAPHQL_URL, GRAPHQL_WS_URL } from "@/lib/env";
import { createCacheExchange } from "./cache";
import { notifySocketClosed, notifySocketReconnected } from "./socket-events";

/** The API closes a socket whose connection_init carries a bad token with 4403. */
export const WS_FORBIDDEN = 4403;

function closeCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const { code } = error as { code: unknown };
    return typeof code === "number" ? code : undefined;
  }
  return undefined;
}

/** True when an operation failed because the access token was missing, expired or revoked. */
export function isAuthError(error: CombinedError): boolean {
  return (
    error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED") ||
    closeCode(error.networkError) === WS_FORBIDDEN ||
    error.response?.status === 401
  );
}

/**
 * 4403 means our token was refused: retrying with the same token would only hammer the
 * server (graphql-ws retries it by default). The auth exchange refreshes and retries once
 * instead. Other abnormal closes (network blips, restarts) are retried with backoff.
 */
export function shouldRetrySocket(errOrCloseEvent: unknown): boolean {
  const code = closeCode(errOrCloseEvent);
  return code !== undefined && code !== WS_FORBIDDEN;
}

export function createWebSocketClient(url = GRAPHQL_WS_URL): WsClient {
  return createWsClient({
    url,
    // Read at every (re)connect, so a reconnect never presents a stale token.
    connectionParams: async () => {
      const token = await getAccessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    // Close the socket as soon as no subscription is active (signed out, or before the
    // dashboard subscribes to conversationEvents).
    lazy: true,
    lazyCloseTimeout: 0,
    retryAttempts: 3,
    shouldRetry: shouldRetrySocket,
    on: {
      closed: notifySocketClosed,
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry) notifySocketReconnected();
      },
    },
  });
}

/**
 * The socket is made on first use: pages that never stream (sign-up, server rendering, where
 * Node 20 has no WebSocket) never need one.
 */
function lazily<T>(create: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= create());
}

export function createUrqlClient(
  makeSocket: () => WsClient = lazily(() => createWebSocketClient()),
  url = GRAPHQL_URL,
): Client {
  let socketMade = false;
  const socket = () => {
    socketMade = true;
    return makeSocket();
  };
  // A subscription refused for its token: the socket presented that token at connect, so the
  // retried subscription must go on a new one (see refreshAuth).
  let socketTokenRefused = false;
  return new Client({
    url,
    requestPolicy: "cache-and-network",
    // POST only: queries over GET would put variables in URLs and server logs.
    preferGetMethod: false,
    fetchOptions: { credentials: "omit" },
    exchanges: [
      // First, so it answers from the normalised cache and sees every result (lib/urql/cache).
      createCacheExchange(),
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const { accessToken } = useAuthStore.getState();
          return accessToken
            ? utils.appendHeaders(operation, { Authorization: `Bearer ${accessToken}` })
            : operation;
        },
        // Refresh ahead of expiry rather than eat a round trip that is bound to fail. Only
        // for a session: before one is restored or made (the sign-up form's inputLimits),
        // requests go without a token.
        willAuthError: () => {
          const state = useAuthStore.getState();
          return state.status === "authenticated" && !isAccessTokenFresh(state);
        },
        didAuthError(error, operation) {
          const refused = isAuthError(error);
          if (refused && operation.kind === "subscription") socketTokenRefused = true;
          return refused;
        },
        // The exchange queues operations while this runs, and refreshSession() is
        // single-flight across the whole tab (and serialised across tabs), so many
        // requests failing at once cause exactly one rotation.
        async refreshAuth() {
          try {
            await refreshSession();
          } catch {
            // Network trouble: keep the session; the retried operation reports the error.
          }
          if (socketTokenRefused && socketMade) {
            socketTokenRefused = false;
            // Reconnect with the fresh token: graphql-ws sends the other subscriptions again,
            // reply followers ask for what comes after what they saw (socket-events.ts).
            socket().terminate();
          }
        },
      })),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = socket().subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
