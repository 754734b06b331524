"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import { useClient } from "urql";
import { GenerateReplyDocument } from "@/gql/graphql";
import { apiError } from "@/lib/urql/errors";
import { createDeltaBuffer, type DeltaBuffer } from "./delta-buffer";
import { initialReplyState, replyReducer } from "./reply-reducer";

let tempIds = 0;

/**
 * Sends a message and streams the reply (generateReply). What the reply stores (the prompt,
 * the final message, the conversation's new title) reaches the cache through the same
 * subscription (lib/urql/cache/updates.ts); this keeps what only the client knows: the prompt
 * until it is stored, the text as it streams, Stop and the last error for Retry.
 */
export function useReply(conversationId: string) {
  const client = useClient();
  const [state, dispatch] = useReducer(replyReducer, initialReplyState);
  const active = useRef<{ unsubscribe: () => void; buffer: DeltaBuffer } | null>(null);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  });

  // ChatView is keyed by conversation, so this cleans up once, when it goes. Leaving completes
  // the subscription: the server keeps the partial reply as STOPPED, as if Stop were pressed.
  useEffect(
    () => () => {
      active.current?.buffer.cancel();
      active.current?.unsubscribe();
      active.current = null;
    },
    [],
  );

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
        .subscription(GenerateReplyDocument, { conversationId, content })
        .subscribe((result) => {
          if (!isCurrent()) return;
          if (result.error) {
            finish();
            entry.unsubscribe();
            const { code, message } = apiError(
              result.error,
              "The connection to the server was lost.",
            );
            dispatch({ type: "error", error: { code, message } });
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

  return { state, send, stop, retry };
}
