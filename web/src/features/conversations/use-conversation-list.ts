"use client";

import { useCallback, useState } from "react";
import { useQuery } from "urql";
import { ConversationsDocument } from "@/gql/graphql";

export const CONVERSATION_PAGE_SIZE = 30;

/**
 * The sidebar's list, newest first, from the cache. Pages come by moving `after` on: the cache
 * merges every page fetched so far (relayPagination) and keeps the list current as chats are
 * created, renamed, deleted or written to (lib/urql/cache). Fetched once, as before: after
 * that the cache's updates keep it right.
 */
export function useConversationList() {
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: ConversationsDocument,
    variables: { first: CONVERSATION_PAGE_SIZE, after },
    requestPolicy: "cache-first",
  });
  const connection = data?.conversations;
  const items = connection?.edges.map((edge) => edge.node) ?? [];
  const hasNextPage = connection?.pageInfo.hasNextPage ?? false;
  const endCursor = connection?.pageInfo.endCursor ?? null;
  const status: "idle" | "loading" | "error" = fetching ? "loading" : error ? "error" : "idle";

  const loadMore = useCallback(() => {
    if (status === "error") reexecute({ requestPolicy: "network-only" });
    else if (status === "idle" && hasNextPage && endCursor) setAfter(endCursor);
  }, [status, hasNextPage, endCursor, reexecute]);

  return { items, loaded: connection !== undefined, hasNextPage, status, loadMore };
}
