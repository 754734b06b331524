"use client";

import { useEffect } from "react";
import { useClient, useSubscription } from "urql";
import { ConversationEventsDocument, ConversationsDocument } from "@/gql/graphql";
import { onSocketReconnected } from "@/lib/urql/socket-events";
import { CONVERSATION_PAGE_SIZE } from "./use-conversation-list";

/**
 * Keeps this tab in step with the user's other tabs and devices: every change to their
 * conversations (new, renamed, deleted, written to, a reply started) reaches the cache through
 * its updater (lib/urql/cache/updates.ts), and every list and view reading the cache follows.
 * Changes made while the socket was down are not replayed: the sidebar's first page (with each
 * conversation's last message, so running replies too) is fetched again when it is back.
 */
export function useConversationEvents(): void {
  const client = useClient();
  useSubscription({ query: ConversationEventsDocument });
  useEffect(
    () =>
      onSocketReconnected(() => {
        const firstPage = { first: CONVERSATION_PAGE_SIZE, after: null };
        void client
          .query(ConversationsDocument, firstPage, { requestPolicy: "network-only" })
          .toPromise();
      }),
    [client],
  );
}
