import { describe, expect, it } from "vitest";
import type { MessageFieldsFragment } from "@/gql/graphql";
import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./chat-reducer";

function message(id: string, fields: Partial<MessageFieldsFragment> = {}): MessageFieldsFragment {
  return {
    id,
    conversationId: "c1",
    role: "USER",
    content: `content ${id}`,
    status: "COMPLETE",
    tokensUsed: null,
    metadata: null,
    createdAt: "2026-01-01T00:00:00Z",
    ...fields,
  };
}

const run = (actions: ChatAction[], state: ChatState = initialChatState) =>
  actions.reduce(chatReducer, state);

const loaded: ChatAction = {
  type: "loaded",
  messages: [message("m1"), message("m2", { role: "ASSISTANT" })],
  hasOlder: true,
  cursor: "cur-1",
};
const sent: ChatAction = {
  type: "sent",
  tempId: "pending-1",
  conversationId: "c1",
  content: "Hello",
  createdAt: "2026-01-01T00:01:00Z",
};
const started: ChatAction = {
  type: "event",
  event: {
    __typename: "ReplyStarted",
    assistantMessageId: "a1",
    userMessage: message("u1", { content: "Hello" }),
    conversation: {
      id: "c1",
      title: "Hello",
      aiProvider: "DEMO",
      aiModel: "demo-1",
      updatedAt: "2026-01-01T00:01:00Z",
    },
  },
};
const delta = (text: string): ChatAction => ({
  type: "event",
  event: { __typename: "ReplyDelta", assistantMessageId: "a1", text },
});

describe("chatReducer", () => {
  it("shows the user message optimistically, then swaps in the stored one", () => {
    const afterSend = run([loaded, sent]);
    expect(afterSend.messages.at(-1)).toMatchObject({ id: "pending-1", pending: true });
    expect(afterSend.stream).toMatchObject({ status: "sending", prompt: "Hello" });

    const afterStart = chatReducer(afterSend, started);
    expect(afterStart.messages.map((m) => m.id)).toEqual(["m1", "m2", "u1", "a1"]);
    expect(afterStart.messages.some((m) => m.pending)).toBe(false);
    expect(afterStart.messages.at(-1)).toMatchObject({ role: "ASSISTANT", status: "STREAMING" });
    expect(afterStart.stream).toMatchObject({ status: "streaming", assistantId: "a1" });
  });

  it("appends deltas in order and completes with the stored message", () => {
    const streaming = run([loaded, sent, started, delta("Hel"), delta("lo "), delta("there")]);
    expect(streaming.messages.at(-1)?.content).toBe("Hello there");

    const done = chatReducer(streaming, {
      type: "event",
      event: {
        __typename: "ReplyCompleted",
        message: message("a1", { role: "ASSISTANT", content: "Hello there", tokensUsed: 7 }),
      },
    });
    expect(done.messages.at(-1)).toMatchObject({ status: "COMPLETE", tokensUsed: 7 });
    expect(done.stream.status).toBe("idle");
  });

  it("keeps the partial text when stopped", () => {
    const stopped = run([loaded, sent, started, delta("partial"), { type: "stopped" }]);
    expect(stopped.messages.at(-1)).toMatchObject({ content: "partial", status: "STOPPED" });
    expect(stopped.stream.status).toBe("idle");
  });

  it("drops an unsent prompt when stopped before the reply started", () => {
    const stopped = run([loaded, sent, { type: "stopped" }]);
    expect(stopped.messages.map((m) => m.id)).toEqual(["m1", "m2"]);
  });

  it("reports ReplyFailed with its code and keeps the prompt for Retry", () => {
    const failed = run([
      loaded,
      sent,
      started,
      delta("par"),
      {
        type: "event",
        event: {
          __typename: "ReplyFailed",
          code: "PROVIDER_ERROR",
          error: "The provider is down.",
          message: message("a1", { role: "ASSISTANT", content: "par", status: "FAILED" }),
        },
      },
    ]);
    expect(failed.stream).toMatchObject({
      status: "error",
      prompt: "Hello",
      error: { code: "PROVIDER_ERROR", message: "The provider is down." },
    });
    expect(failed.messages.at(-1)).toMatchObject({ status: "FAILED", content: "par" });
  });

  it("marks a streaming reply failed on a transport error", () => {
    const broken = run([
      loaded,
      sent,
      started,
      delta("abc"),
      { type: "error", error: { code: "NETWORK_ERROR", message: "lost" } },
    ]);
    expect(broken.messages.at(-1)).toMatchObject({ status: "FAILED", content: "abc" });
    expect(broken.stream.status).toBe("error");
  });

  it("dismissing an error removes a prompt that never reached the server", () => {
    const state = run([
      loaded,
      sent,
      { type: "error", error: { code: "UNAUTHENTICATED", message: "no" } },
      { type: "dismissError" },
    ]);
    expect(state.messages.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(state.stream).toMatchObject({ status: "idle", prompt: "Hello" });
  });

  it("prepends older pages without duplicates", () => {
    const state = run([
      loaded,
      {
        type: "olderLoaded",
        messages: [message("m0"), message("m1")],
        hasOlder: false,
        cursor: null,
      },
    ]);
    expect(state.messages.map((m) => m.id)).toEqual(["m0", "m1", "m2"]);
    expect(state.hasOlder).toBe(false);
  });
});
