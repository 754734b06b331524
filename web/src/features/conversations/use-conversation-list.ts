"use client";

import { useCallback, useEffect } from "react";
import { useClient } from "urql";
import { conversationsQuery } from "@/graphql/chat";
import { useConversationsStore } from "./store";

export const CONVERSATION_PAGE_SIZE = 30;

/** Loads the sidebar list page by page into the shared store. */
export function useConversationList() {
  const client = useClient();
  const state = useConversationsStore();

  const loadMore = useCallback(async () => {
    const store = useConversationsStore.getState();
    if (store.status === "loading" || (store.loaded && !store.hasNextPage)) return;
    store.startLoading();
    const result = await client
      .query(
        conversationsQuery,
        { first: CONVERSATION_PAGE_SIZE, after: store.loaded ? store.endCursor : null },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    const connection = result.data?.conversations;
    if (!connection) {
      useConversationsStore.getState().failed();
      return;
    }
    useConversationsStore.getState().pageLoaded(
      connection.edges.map((edge) => edge.node),
      connection.pageInfo.endCursor ?? null,
      connection.pageInfo.hasNextPage,
      !store.loaded,
    );
  }, [client]);

  useEffect(() => {
    if (!useConversationsStore.getState().loaded) void loadMore();
  }, [loadMore]);

  return { ...state, loadMore };
}
