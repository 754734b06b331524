import type { Client, OperationResult } from "@urql/core";
import {
  GenerateReplyDocument,
  RegenerateReplyDocument,
  ReplyEventsDocument,
  type GenerateReplySubscription,
  type RegenerateReplySubscription,
  type ReplyEventFieldsFragment,
  type ReplyEventsSubscription,
} from "@/gql/graphql";
import { apiError, type ApiError } from "@/lib/urql/errors";
import { onSocketClosed } from "@/lib/urql/socket-events";
import { useLiveReplies } from "./live-replies";
import { applyEvent, eventMessageId, followAfter, isNewEvent, newLiveReply } from "./live-reply";

type Started = Extract<ReplyEventFieldsFragment, { __typename: "ReplyStarted" }>;
type Final = Extract<ReplyEventFieldsFragment, { __typename: "ReplyCompleted" | "ReplyFailed" }>;

/** Start a reply (or, same clientRequestId, follow the one it started), or follow one by id. */
export type FollowStart =
  | {
      kind: "generate";
      conversationId: string;
      content: string;
      clientRequestId: string;
      /** An edit: the message the new turn follows (the conversation's id for the first). */
      parentId?: string;
    }
  | { kind: "regenerate"; messageId: string; clientRequestId: string }
  | { kind: "follow"; messageId: string };

export interface FollowHandlers {
  onStarted?: (messageId: string, event: Started) => void;
  onFinal?: (event: Final) => void;
  /** The socket gave up or the API refused; `messageId` once the reply is known. */
  onError?: (error: ApiError, messageId: string | null) => void;
}

export interface Follower {
  /** Stop listening; the reply runs on (and can be followed again from where this left). */
  detach(): void;
}

type Result = OperationResult<
  GenerateReplySubscription | RegenerateReplySubscription | ReplyEventsSubscription
>;

function eventOf(result: Result): ReplyEventFieldsFragment | undefined {
  const data = result.data;
  if (!data) return undefined;
  if ("generateReply" in data) return data.generateReply;
  if ("regenerateReply" in data) return data.regenerateReply;
  return data.replyEvents;
}

/**
 * Follows one reply into the live-reply store: events at or below the last seq applied are
 * dropped, deltas reach the store once per animation frame (the provider sends many more
 * than the eye can see), and when the socket drops it follows again after the last seq it
 * saw (before ReplyStarted: generateReply again with the same clientRequestId, which the API
 * answers by following the reply that id started, not by starting another).
 */
export function followReply(
  client: Client,
  start: FollowStart,
  handlers: FollowHandlers = {},
): Follower {
  const store = useLiveReplies.getState;
  let reply =
    start.kind === "follow"
      ? (store().replies[start.messageId] ?? newLiveReply(start.messageId))
      : null;
  let unsubscribe: (() => void) | null = null;
  let frame: number | null = null;
  let done = false;
  let toldStarted = false;

  const commit = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    if (reply) store().put(reply);
  };

  const end = () => {
    done = true;
    stopListening();
    unsubscribe?.();
    unsubscribe = null;
  };

  const onResult = (result: Result) => {
    if (done) return;
    if (result.error) {
      commit();
      end();
      const error = apiError(result.error, "The connection to the server was lost.");
      handlers.onError?.(error, reply?.messageId ?? null);
      return;
    }
    const event = eventOf(result);
    if (!event) return;
    reply ??= store().replies[eventMessageId(event)] ?? newLiveReply(eventMessageId(event));
    if (event.__typename === "ReplyStarted") {
      // Told once, even when the tab had already applied it (a retried generateReply that
      // follows a reply this tab showed): the caller learns which reply its prompt made.
      reply = applyEvent(reply, event);
      commit();
      if (!toldStarted) handlers.onStarted?.(reply.messageId, event);
      toldStarted = true;
      return;
    }
    if (!isNewEvent(reply, event)) return;
    reply = applyEvent(reply, event);
    if (event.__typename === "ReplyDelta") {
      frame ??= requestAnimationFrame(commit);
      return;
    }
    // Final: the cache holds the stored message now (its updater ran before this).
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    store().drop(reply.messageId);
    end();
    handlers.onFinal?.(event);
  };

  const subscribe = () => {
    if (reply) {
      const variables = { messageId: reply.messageId, after: followAfter(reply) };
      unsubscribe = client
        .subscription(ReplyEventsDocument, variables)
        .subscribe(onResult).unsubscribe;
    } else if (start.kind === "generate") {
      const { conversationId, content, clientRequestId, parentId = null } = start;
      const variables = { conversationId, content, clientRequestId, parentId };
      unsubscribe = client
        .subscription(GenerateReplyDocument, variables)
        .subscribe(onResult).unsubscribe;
    } else if (start.kind === "regenerate") {
      const { messageId, clientRequestId } = start;
      unsubscribe = client
        .subscription(RegenerateReplyDocument, { messageId, clientRequestId })
        .subscribe(onResult).unsubscribe;
    }
  };

  const stopListening = onSocketClosed(() => {
    if (done) return;
    // graphql-ws would re-send the first request as it was; ask for what comes next instead.
    unsubscribe?.();
    commit();
    subscribe();
  });
  subscribe();

  return {
    detach() {
      if (done) return;
      commit();
      end();
    },
  };
}
