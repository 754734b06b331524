import type { GenerateReplySubscription, MessageFieldsFragment } from "@/gql/graphql";

/**
 * State of one open conversation: the loaded window of messages plus the reply being
 * streamed. Pure, so the whole streaming protocol is unit-tested without a socket.
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

export interface ChatState {
  /** Oldest first. */
  messages: ChatMessage[];
  hasOlder: boolean;
  olderCursor: string | null;
  stream: {
    status: StreamStatus;
    /** The prompt of the current or last failed reply, for Retry. */
    prompt: string | null;
    assistantId: string | null;
    error: StreamError | null;
  };
}

type ReplyEvent = GenerateReplySubscription["generateReply"];

interface Page {
  messages: MessageFieldsFragment[];
  hasOlder: boolean;
  cursor: string | null;
}

export type ChatAction =
  | ({ type: "loaded" } & Page)
  | ({ type: "olderLoaded" } & Page)
  | { type: "sent"; tempId: string; conversationId: string; content: string; createdAt: string }
  | { type: "event"; event: ReplyEvent }
  | { type: "error"; error: StreamError }
  | { type: "stopped" }
  | { type: "dismissError" };

export const initialChatState: ChatState = {
  messages: [],
  hasOlder: false,
  olderCursor: null,
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

function applyEvent(state: ChatState, event: ReplyEvent): ChatState {
  switch (event.__typename) {
    case "ReplyStarted": {
      const pending = state.messages.findLast((m) => m.pending);
      const withUser = pending
        ? replaceById(state.messages, pending.id, event.userMessage)
        : replaceById(state.messages, event.userMessage.id, event.userMessage);
      const assistant: ChatMessage = {
        id: event.assistantMessageId,
        conversationId: event.userMessage.conversationId,
        role: "ASSISTANT",
        content: "",
        status: "STREAMING",
        tokensUsed: null,
        metadata: null,
        createdAt: event.userMessage.createdAt,
      };
      return {
        ...state,
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
        ...state,
        messages: replaceById(state.messages, event.message.id, event.message),
        stream: idle(),
      };
    case "ReplyFailed":
      return {
        ...state,
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

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "loaded":
      return {
        ...initialChatState,
        messages: action.messages,
        hasOlder: action.hasOlder,
        olderCursor: action.cursor,
      };
    case "olderLoaded": {
      // Pages can overlap when new messages arrived meanwhile: drop duplicates.
      const known = new Set(state.messages.map((m) => m.id));
      const older = action.messages.filter((m) => !known.has(m.id));
      return {
        ...state,
        messages: [...older, ...state.messages],
        hasOlder: action.hasOlder,
        olderCursor: action.cursor,
      };
    }
    case "sent":
      return {
        ...state,
        messages: [
          ...state.messages,
          {
            id: action.tempId,
            conversationId: action.conversationId,
            role: "USER",
            content: action.content,
            status: "COMPLETE",
            tokensUsed: null,
            metadata: null,
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
        ...state,
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
        ...state,
        // The server stores the partial reply as STOPPED when the subscription completes.
        messages: assistantId
          ? updateById(state.messages, assistantId, (m) => ({ ...m, status: "STOPPED" }))
          : state.messages.filter((m) => !m.pending),
        stream: idle(),
      };
    }
    case "dismissError":
      return {
        ...state,
        messages: state.messages.filter((m) => !m.pending),
        stream: idle(state.stream.prompt),
      };
  }
}
