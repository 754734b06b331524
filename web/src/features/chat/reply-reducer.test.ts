import { describe, expect, it } from "vitest";
import type { MessageFieldsFragment } from "@/gql/graphql";
import {
  initialReplyState,
  replyReducer,
  withReplies,
  type ReplyAction,
  type ReplyState,
} from "./reply-reducer";

function message(id: string, fields: Partial<MessageFieldsFragment> = {}): MessageFieldsFragment {
  return {
    id,
    conversationId: "c1",
    role: "USER",
    content: `content ${id}`,
    status: "COMPLETE",
    generation: null,
    createdAt: "2026-01-01T00:00:00Z",
    ...fields,
  };
}

const run = (actions: ReplyAction[], state: ReplyState = initialReplyState) =>
  actions.reduce(replyReducer, state);

const sent: ReplyAction = {
  type: "sent",
  tempId: "pending-1",
  conversationId: "c1",
  content: "Hello",
  createdAt: "2026-01-01T00:01:00Z",
};
const started: ReplyAction = {
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
const delta = (text: string): ReplyAction => ({
  type: "event",
  event: { __typename: "ReplyDelta", assistantMessageId: "a1", text },
});
const completed: ReplyAction = {
  type: "event",
  event: {
    __typename: "ReplyCompleted",
    message: message("a1", { role: "ASSISTANT", content: "Hello there" }),
  },
};

describe("replyReducer", () => {
  it("shows the user message optimistically, then swaps in the stored one", () => {
    const afterSend = run([sent]);
    expect(afterSend.messages.at(-1)).toMatchObject({ id: "pending-1", pending: true });
    expect(afterSend.stream).toMatchObject({ status: "sending", prompt: "Hello" });

    const afterStart = replyReducer(afterSend, started);
    expect(afterStart.messages.map((m) => m.id)).toEqual(["u1", "a1"]);
    expect(afterStart.messages.some((m) => m.pending)).toBe(false);
    expect(afterStart.messages.at(-1)).toMatchObject({ role: "ASSISTANT", status: "STREAMING" });
    expect(afterStart.stream).toMatchObject({ status: "streaming", assistantId: "a1" });
  });

  it("appends deltas in order and completes with the stored message", () => {
    const streaming = run([sent, started, delta("Hel"), delta("lo "), delta("there")]);
    expect(streaming.messages.at(-1)?.content).toBe("Hello there");

    const done = replyReducer(streaming, completed);
    expect(done.messages.at(-1)).toMatchObject({ status: "COMPLETE", content: "Hello there" });
    expect(done.stream.status).toBe("idle");
  });

  it("keeps the partial text when stopped", () => {
    const stopped = run([sent, started, delta("partial"), { type: "stopped" }]);
    expect(stopped.messages.at(-1)).toMatchObject({ content: "partial", status: "STOPPED" });
    expect(stopped.stream.status).toBe("idle");
  });

  it("drops an unsent prompt when stopped before the reply started", () => {
    expect(run([sent, { type: "stopped" }]).messages).toEqual([]);
  });

  it("reports ReplyFailed with its code and keeps the prompt for Retry", () => {
    const failed = run([
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
      sent,
      { type: "error", error: { code: "UNAUTHENTICATED", message: "no" } },
      { type: "dismissError" },
    ]);
    expect(state.messages).toEqual([]);
    expect(state.stream).toMatchObject({ status: "idle", prompt: "Hello" });
  });
});

describe("withReplies", () => {
  const stored = [message("m1"), message("m2", { role: "ASSISTANT" })];
  const ids = (messages: MessageFieldsFragment[]) => messages.map((m) => m.id);

  it("adds the prompt and the streaming reply after the stored messages", () => {
    const streaming = run([sent, started, delta("Hi")]);
    expect(ids(withReplies(stored, streaming.messages))).toEqual(["m1", "m2", "u1", "a1"]);
    expect(withReplies(stored, run([sent]).messages).at(-1)).toMatchObject({ pending: true });
  });

  it("shows the cache's copy of a message once it has one, never both", () => {
    const done = run([sent, started, delta("Hi"), completed]);
    const cached = [...stored, message("u1"), message("a1", { content: "from the cache" })];
    const shown = withReplies(cached, done.messages);
    expect(ids(shown)).toEqual(["m1", "m2", "u1", "a1"]);
    expect(shown.at(-1)?.content).toBe("from the cache");
  });

  it("keeps a reply stopped here above the next prompt once that one is stored", () => {
    const stopped = run([sent, started, delta("partial"), { type: "stopped" }]);
    const next = run(
      [
        { ...sent, tempId: "pending-2", content: "Again" },
        {
          type: "event",
          event: {
            __typename: "ReplyStarted",
            assistantMessageId: "a2",
            userMessage: message("u2", { content: "Again" }),
            conversation: {
              id: "c1",
              title: "Hello",
              aiProvider: "DEMO",
              aiModel: "demo-1",
              updatedAt: "2026-01-01T00:02:00Z",
            },
          },
        },
      ],
      stopped,
    );
    // The cache has both prompts (the updater appended them), not the stopped reply.
    const cached = [...stored, message("u1"), message("u2")];
    expect(ids(withReplies(cached, next.messages))).toEqual(["m1", "m2", "u1", "a1", "u2", "a2"]);
  });
});
