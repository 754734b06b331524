import type { GenerateReplySubscription, MessageFieldsFragment } from "@/gql/graphql";

/**
 * The client's side of the replies in an open conversation: the prompt before the server has
 * stored it, the reply's text as it streams, and what became of it. Stored messages live in
 * the cache (lib/urql/cache); these are shown until the cache has them (see withReplies), which
 * for a reply stopped here is until the conversation is fetched again. Pure, so the whole
 * streaming protocol is unit-tested without a socket.
 */
export interface ChatMessage extends MessageFieldsFragment {
  /** Shown optimistically before the server has stored it (ReplyStarted). */
  pending?: boolean;
}

export interface StreamError {
  code: string;
  message: string;
}

export type StreamStatus = "idle" | "sending" | "streaming" | "error";

export interface ReplyState {
  /** Messages of this view's replies, in the order they were made. */
  messages: ChatMessage[];
  stream: {
    status: StreamStatus;
    /** The prompt of the current or last failed reply, for Retry. */
    prompt: string | null;
    assistantId: string | null;
    error: StreamError | null;
  };
}

type ReplyEvent = GenerateReplySubscription["generateReply"];

export type ReplyAction =
  | { type: "sent"; tempId: string; conversationId: string; content: string; createdAt: string }
  | { type: "event"; event: ReplyEvent }
  | { type: "error"; error: StreamError }
  | { type: "stopped" }
  | { type: "dismissError" };

export const initialReplyState: ReplyState = {
  messages: [],
  stream: { status: "idle", prompt: null, assistantId: null, error: null },
};

function replaceById(messages: ChatMessage[], id: string, next: ChatMessage): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === id);
  if (index === -1) return [...messages, next];
  const copy = messages.slice();
  copy[index] = next;
  return copy;
}

function updateById(
  messages: ChatMessage[],
  id: string,
  update: (message: ChatMessage) => ChatMessage,
): ChatMessage[] {
  // Search from the end: the streamed message is almost always the last one.
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.id === id) {
      const copy = messages.slice();
      copy[i] = update(message);
      return copy;
    }
  }
  return messages;
}

const idle = (prompt: string | null = null) =>
  ({ status: "idle", prompt, assistantId: null, error: null }) as const;

function applyEvent(state: ReplyState, event: ReplyEvent): ReplyState {
  switch (event.__typename) {
    case "ReplyStarted": {
      const pending = state.messages.findLast((m) => m.pending);
      const withUser = replaceById(
        state.messages,
        pending?.id ?? event.userMessage.id,
        event.userMessage,
      );
      const assistant: ChatMessage = {
        id: event.assistantMessageId,
        conversationId: event.userMessage.conversationId,
        role: "ASSISTANT",
        content: "",
        status: "STREAMING",
        generation: null,
        createdAt: event.userMessage.createdAt,
      };
      return {
        messages: replaceById(withUser, assistant.id, assistant),
        stream: { ...state.stream, status: "streaming", assistantId: assistant.id },
      };
    }
    case "ReplyDelta":
      return {
        ...state,
        messages: updateById(state.messages, event.assistantMessageId, (m) => ({
          ...m,
          content: m.content + event.text,
        })),
      };
    case "ReplyCompleted":
      return {
        messages: replaceById(state.messages, event.message.id, event.message),
        stream: idle(),
      };
    case "ReplyFailed":
      return {
        messages: replaceById(state.messages, event.message.id, event.message),
        stream: {
          status: "error",
          prompt: state.stream.prompt,
          assistantId: event.message.id,
          error: { code: event.code, message: event.error },
        },
      };
  }
}

export function replyReducer(state: ReplyState, action: ReplyAction): ReplyState {
  switch (action.type) {
    case "sent":
      return {
        messages: [
          ...state.messages,
          {
            id: action.tempId,
            conversationId: action.conversationId,
            role: "USER",
            content: action.content,
            status: "COMPLETE",
            generation: null,
            createdAt: action.createdAt,
            pending: true,
          },
        ],
        stream: { status: "sending", prompt: action.content, assistantId: null, error: null },
      };
    case "event":
      return applyEvent(state, action.event);
    case "error": {
      // Transport or GraphQL error: the reply (if it started) is marked failed, its
      // partial text kept; an unsent prompt stays visible until Retry or dismissal.
      const { assistantId } = state.stream;
      return {
        messages: assistantId
          ? updateById(state.messages, assistantId, (m) =>
              m.status === "STREAMING" ? { ...m, status: "FAILED" } : m,
            )
          : state.messages,
        stream: { ...state.stream, status: "error", error: action.error },
      };
    }
    case "stopped": {
      const { assistantId } = state.stream;
      return {
        // The server stores the partial reply as STOPPED when the subscription completes.
        messages: assistantId
          ? updateById(state.messages, assistantId, (m) => ({ ...m, status: "STOPPED" }))
          : state.messages.filter((m) => !m.pending),
        stream: idle(),
      };
    }
    case "dismissError":
      return {
        messages: state.messages.filter((m) => !m.pending),
        stream: idle(state.stream.prompt),
      };
  }
}

/**
 * The conversation as shown: the stored messages from the cache, with this view's reply
 * messages the cache does not hold (yet) each placed after the one made before it, so a reply
 * stopped here stays above the next prompt even once that prompt is stored.
 */
export function withReplies(stored: ChatMessage[], replies: ChatMessage[]): ChatMessage[] {
  const storedIds = new Set(stored.map((m) => m.id));
  const following = new Map<string | null, ChatMessage[]>();
  let before: string | null = null;
  for (const message of replies) {
    if (!storedIds.has(message.id))
      following.set(before, [...(following.get(before) ?? []), message]);
    before = message.id;
  }
  if (following.size === 0) return stored;

  const shown: ChatMessage[] = [];
  const show = (message: ChatMessage) => {
    shown.push(message);
    const next = following.get(message.id);
    following.delete(message.id);
    next?.forEach(show);
  };
  stored.forEach(show);
  // What follows nothing shown (a first prompt, or one after a message paged out) goes last.
  for (const [anchor, rest] of [...following]) if (following.delete(anchor)) rest.forEach(show);
  return shown;
}
