"use client";

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { useClient } from "urql";
import type { ConversationQuery } from "@/gql/graphql";
import { conversationQuery, generateReplySubscription } from "@/graphql/chat";
import { useConversationsStore } from "@/features/conversations/store";
import { chatReducer, initialChatState } from "./chat-reducer";
import { createDeltaBuffer, type DeltaBuffer } from "./delta-buffer";

/** Messages per page: enough to fill a tall screen, small enough to answer fast. */
export const MESSAGE_PAGE_SIZE = 50;

type Conversation = Omit<ConversationQuery["conversation"], "messages">;
export type LoadStatus = "loading" | "ready" | "not-found" | "error";

function toPage(conversation: ConversationQuery["conversation"]) {
  const { edges, pageInfo } = conversation.messages;
  return {
    messages: edges.map((edge) => edge.node),
    hasOlder: pageInfo.hasPreviousPage,
    cursor: pageInfo.startCursor ?? null,
  };
}

let tempIds = 0;

export function useChat(conversationId: string) {
  const client = useClient();
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [loadStatus, setLoadStatus] = useState<LoadStatus>("loading");
  const [loadingOlder, setLoadingOlder] = useState(false);
  const active = useRef<{ unsubscribe: () => void; buffer: DeltaBuffer } | null>(null);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  });

  useEffect(() => {
    // ChatView is keyed by conversation, so this runs once per mount: no reset needed.
    let cancelled = false;
    client
      .query(
        conversationQuery,
        { id: conversationId, last: MESSAGE_PAGE_SIZE },
        { requestPolicy: "network-only" },
      )
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        const data = result.data?.conversation;
        if (!data) {
          const notFound = result.error?.graphQLErrors.some(
            (e) => e.extensions?.code === "NOT_FOUND" || e.extensions?.code === "BAD_USER_INPUT",
          );
          setLoadStatus(notFound ? "not-found" : "error");
          return;
        }
        const { messages: _messages, ...rest } = data;
        setConversation(rest);
        dispatch({ type: "loaded", ...toPage(data) });
        setLoadStatus("ready");
      });
    return () => {
      cancelled = true;
      // Leaving the conversation completes its subscription: the server keeps the
      // partial reply as STOPPED, exactly as if the user pressed Stop.
      active.current?.buffer.cancel();
      active.current?.unsubscribe();
      active.current = null;
    };
  }, [client, conversationId]);

  // A ref, not the state: scroll events fire faster than React re-renders.
  const olderInFlight = useRef(false);
  const loadOlder = useCallback(async () => {
    const { hasOlder, olderCursor } = stateRef.current;
    if (!hasOlder || olderInFlight.current) return;
    olderInFlight.current = true;
    setLoadingOlder(true);
    const result = await client
      .query(
        conversationQuery,
        { id: conversationId, last: MESSAGE_PAGE_SIZE, before: olderCursor },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    if (result.data?.conversation)
      dispatch({ type: "olderLoaded", ...toPage(result.data.conversation) });
    olderInFlight.current = false;
    setLoadingOlder(false);
  }, [client, conversationId]);

  const finish = useCallback(() => {
    active.current?.buffer.flush();
    active.current = null;
  }, []);

  const send = useCallback(
    (content: string) => {
      if (active.current || !content.trim()) return;
      dispatch({
        type: "sent",
        tempId: `pending-${++tempIds}`,
        conversationId,
        content,
        createdAt: new Date().toISOString(),
      });
      const buffer = createDeltaBuffer((assistantMessageId, text) =>
        dispatch({
          type: "event",
          event: { __typename: "ReplyDelta", assistantMessageId, text },
        }),
      );
      const entry = { unsubscribe: () => undefined as void, buffer };
      active.current = entry;
      // Events of a reply the user already stopped (or left) are ignored.
      const isCurrent = () => active.current === entry;

      const { unsubscribe } = client
        .subscription(generateReplySubscription, { conversationId, content })
        .subscribe((result) => {
          if (!isCurrent()) return;
          if (result.error) {
            finish();
            entry.unsubscribe();
            const gqlError = result.error.graphQLErrors[0];
            dispatch({
              type: "error",
              error: {
                code: String(gqlError?.extensions?.code ?? "NETWORK_ERROR"),
                message: gqlError?.message ?? "The connection to the server was lost.",
              },
            });
            return;
          }
          const event = result.data?.generateReply;
          if (!event) return;
          if (event.__typename === "ReplyDelta") {
            buffer.push(event.assistantMessageId, event.text);
            return;
          }
          buffer.flush();
          dispatch({ type: "event", event });
          if (event.__typename === "ReplyStarted") {
            // The server's view of the conversation after this message: moved to the top of
            // the sidebar, and named by its first message.
            const { conversation: touched } = event;
            useConversationsStore.getState().upsertToTop(touched);
            setConversation((current) => (current ? { ...current, ...touched } : current));
          }
          if (event.__typename === "ReplyCompleted" || event.__typename === "ReplyFailed") {
            finish();
          }
        });
      entry.unsubscribe = unsubscribe;
    },
    [client, conversationId, finish],
  );

  const stop = useCallback(() => {
    const current = active.current;
    if (!current) return;
    current.buffer.flush();
    current.unsubscribe();
    active.current = null;
    dispatch({ type: "stopped" });
  }, []);

  const retry = useCallback(() => {
    const prompt = stateRef.current.stream.prompt;
    dispatch({ type: "dismissError" });
    if (prompt) send(prompt);
  }, [send]);

  return { state, conversation, loadStatus, loadingOlder, loadOlder, send, stop, retry };
}
