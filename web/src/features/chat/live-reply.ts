import type { MessageFieldsFragment, ReplyEventFieldsFragment } from "@/gql/graphql";

/**
 * A running reply as this tab has followed it: the text so far and the seq of the last event
 * applied. Every event of a reply carries a seq (ReplyStarted 0, deltas counting up, the final
 * event highest); following again asks for what comes after `seq`, and anything at or below
 * it (a replay overlapping what is shown) is dropped, so no character shows twice or goes
 * missing. Pure: the protocol is unit-tested without a socket.
 */
export interface LiveReply {
  messageId: string;
  /** Text shown so far. */
  content: string;
  /** Seq of the last event applied; null before any (follow from the start). */
  seq: number | null;
  /** False once the final event (ReplyCompleted or ReplyFailed) is applied. */
  running: boolean;
}

export type ReplyEvent = ReplyEventFieldsFragment;

export const newLiveReply = (messageId: string, content = ""): LiveReply => ({
  messageId,
  content,
  seq: null,
  running: true,
});

/** Whether `event` is new to `reply` (its seq beyond the last applied). */
export function isNewEvent(reply: LiveReply, event: Pick<ReplyEvent, "seq">): boolean {
  return reply.seq === null || event.seq > reply.seq;
}

/** The message an event belongs to. */
export function eventMessageId(event: ReplyEvent): string {
  switch (event.__typename) {
    case "ReplyStarted":
    case "ReplyDelta":
      return event.assistantMessageId;
    case "ReplyCompleted":
    case "ReplyFailed":
      return event.message.id;
  }
}

/**
 * `reply` after `event`; the same object when the event was already applied. A merged delta
 * (sent to a slow follower) carries the seq of its last piece, and counts as one event.
 */
export function applyEvent(reply: LiveReply, event: ReplyEvent): LiveReply {
  if (!isNewEvent(reply, event)) return reply;
  switch (event.__typename) {
    case "ReplyStarted":
      return { ...reply, seq: event.seq };
    case "ReplyDelta":
      return { ...reply, seq: event.seq, content: reply.content + event.text };
    case "ReplyCompleted":
    case "ReplyFailed":
      return { ...reply, seq: event.seq, content: event.message.content, running: false };
  }
}

/** Where to follow `reply` from: after the last event applied (null: from the start). */
export const followAfter = (reply: LiveReply | undefined): number | null => reply?.seq ?? null;

/** A message as the chat shows it. */
export interface ChatMessage extends MessageFieldsFragment {
  /** The prompt, shown before the server has stored it (ReplyStarted). */
  pending?: boolean;
}

export interface PendingPrompt {
  tempId: string;
  conversationId: string;
  content: string;
  createdAt: string;
  /**
   * An edit: the message the new version follows (null: it is the first message), so the
   * branch shows up to there and then the prompt. Undefined: after the last message.
   */
  after?: string | null;
}

/** The branch an edit or a regenerated reply leaves: `messages` up to `after` (null: none). */
export function branchUpTo<T extends { id: string }>(messages: readonly T[], after: string | null) {
  if (after === null) return [];
  const end = messages.findIndex((message) => message.id === after);
  return end === -1 ? [...messages] : messages.slice(0, end + 1);
}

/**
 * The conversation as shown: stored messages from the cache, a running reply's text as this
 * tab has followed it (the cache holds what was stored, which for a running reply is not the
 * text so far), and the prompt not yet stored last.
 */
export function shownMessages(
  stored: readonly MessageFieldsFragment[],
  live: Readonly<Record<string, LiveReply>>,
  pending: PendingPrompt | null,
): ChatMessage[] {
  const branch = pending?.after !== undefined ? branchUpTo(stored, pending.after) : stored;
  const shown: ChatMessage[] = branch.map((message) => {
    const reply = live[message.id];
    return message.status === "STREAMING" && reply && reply.content !== message.content
      ? { ...message, content: reply.content }
      : message;
  });
  if (pending) {
    shown.push({
      id: pending.tempId,
      conversationId: pending.conversationId,
      role: "USER",
      content: pending.content,
      status: "COMPLETE",
      generation: null,
      createdAt: pending.createdAt,
      parentId: pending.after ?? null,
      siblingIds: [pending.tempId],
      siblingIndex: 1,
      pending: true,
    });
  }
  return shown;
}
