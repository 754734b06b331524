"use client";

import { useCallback, useMemo, useState } from "react";
import { useQuery } from "urql";
import { ConversationDocument } from "@/gql/graphql";

/** Messages per page: enough to fill a tall screen, small enough to answer fast. */
export const MESSAGE_PAGE_SIZE = 50;

export type LoadStatus = "loading" | "ready" | "not-found" | "error";

/**
 * The open conversation and its stored messages, read from the cache (and refreshed from the
 * API when opened). Older pages come by moving `before` back: the cache merges every page
 * fetched so far into one list (relayPagination), and shows what it has while the next loads.
 */
export function useConversation(id: string) {
  const [before, setBefore] = useState<string | null>(null);
  const [{ data, error, fetching }] = useQuery({
    query: ConversationDocument,
    variables: { id, last: MESSAGE_PAGE_SIZE, before },
  });
  const conversation = data?.conversation;
  const pageInfo = conversation?.messages.pageInfo;
  const messages = useMemo(
    () => conversation?.messages.edges.map((edge) => edge.node) ?? [],
    [conversation],
  );

  const hasOlder = pageInfo?.hasPreviousPage ?? false;
  const loadingOlder = before !== null && fetching;
  const oldestCursor = pageInfo?.startCursor ?? null;
  const loadOlder = useCallback(() => {
    if (hasOlder && !loadingOlder && oldestCursor) setBefore(oldestCursor);
  }, [hasOlder, loadingOlder, oldestCursor]);

  let status: LoadStatus = "loading";
  if (conversation) status = "ready";
  else if (error) {
    const missing = error.graphQLErrors.some(
      (e) => e.extensions?.code === "NOT_FOUND" || e.extensions?.code === "BAD_USER_INPUT",
    );
    status = missing ? "not-found" : "error";
  }

  // Another branch shown: its pages start again from the newest.
  const resetPaging = useCallback(() => setBefore(null), []);

  return {
    conversation,
    messages,
    status,
    fetching,
    hasOlder,
    loadingOlder,
    loadOlder,
    resetPaging,
  };
}
