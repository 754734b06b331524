"use client";

import "graphiql/setup-workers/webpack";
import "graphiql/style.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { useTheme } from "next-themes";
import { useMemo } from "react";
import { getAccessToken, refreshSession } from "@/lib/auth/session";
import { GRAPHQL_URL } from "@/lib/env";
import { createWebSocketClient } from "@/lib/urql/client";

const DEFAULT_QUERY = `# You are signed in: requests carry your access token.
# Subscriptions run over the same authenticated WebSocket as the chat.
query Me {
  me {
    id
    email
    fullName
  }
  providers {
    provider
    configured
    defaultModel
  }
}
`;

function isUnauthenticated(body: unknown): boolean {
  const errors = (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors;
  return !!errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/**
 * HTTP requests get a fresh access token; one that expired in between is refreshed once
 * (through the same single-flight refresh as the app) and the request replayed.
 */
const authenticatedFetch: typeof fetch = async (input, init) => {
  const send = async (token: string | null) => {
    const headers = new Headers(init?.headers);
    if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const response = await send(await getAccessToken());
  if (response.headers.get("content-type")?.includes("json")) {
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null);
    if (isUnauthenticated(body)) {
      const session = await refreshSession().catch(() => null);
      if (session) return send(session.accessToken);
    }
  }
  return response;
};

export default function GraphiQLExplorer() {
  const { resolvedTheme } = useTheme();
  const fetcher = useMemo(
    () =>
      createGraphiQLFetcher({
        url: GRAPHQL_URL,
        wsClient: createWebSocketClient(),
        fetch: authenticatedFetch,
        // Plain POSTs, so every request goes through authenticatedFetch.
        enableIncrementalDelivery: false,
      }),
    [],
  );
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      forcedTheme={resolvedTheme === "dark" ? "dark" : "light"}
      shouldPersistHeaders={false}
    />
  );
}
