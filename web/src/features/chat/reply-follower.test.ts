import { afterEach, describe, expect, it, vi } from "vitest";
import { notifySocketClosed } from "@/lib/urql/socket-events";
import { fakeApi } from "@/test/fake-api";
import { useLiveReplies } from "./live-replies";
import { newLiveReply } from "./live-reply";
import { followReply } from "./reply-follower";

/*
 * The follower against the real urql client and cache, with a stand-in socket: what it asks
 * for, and what the tab shows, across a dropped socket and replays that overlap.
 */

const message = (id: string, role: string, content: string, status = "COMPLETE") => ({
  __typename: "Message",
  id,
  conversationId: "c1",
  role,
  content,
  status,
  createdAt: "2026-01-01T00:00:00Z",
  parentId: null,
  siblingIds: [id],
  siblingIndex: 1,
  generation: null,
});
const started = {
  __typename: "ReplyStarted",
  seq: 0,
  assistantMessageId: "a1",
  userMessage: message("u1", "USER", "Hi"),
  conversation: {
    __typename: "Conversation",
    id: "c1",
    title: "Hi",
    aiProvider: "DEMO",
    aiModel: "demo-1",
    updatedAt: "2026-01-01T00:00:00Z",
    currentMessageId: "a1",
  },
};
const delta = (seq: number, text: string) => ({
  __typename: "ReplyDelta",
  seq,
  assistantMessageId: "a1",
  text,
});
const completed = (seq: number, content: string) => ({
  __typename: "ReplyCompleted",
  seq,
  message: message("a1", "ASSISTANT", content),
});
const live = () => useLiveReplies.getState().replies.a1;

describe("followReply", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    useLiveReplies.setState({ replies: {} });
  });

  it("follows again after a dropped socket from the last seq, showing each character once", async () => {
    const api = fakeApi({});
    const onStarted = vi.fn();
    const onFinal = vi.fn();
    api.stream([started, delta(1, "Hel"), delta(2, "lo")].map((e) => ({ generateReply: e })));
    const follower = followReply(
      api.client,
      { kind: "generate", conversationId: "c1", content: "Hi", clientRequestId: "r1" },
      { onStarted, onFinal },
    );
    await vi.waitFor(() => expect(live()?.content).toBe("Hello"));
    expect(onStarted).toHaveBeenCalledWith("a1", expect.objectContaining({ seq: 0 }));

    // The server replays from before what we have (seq 2 again), then carries on.
    api.stream([delta(2, "lo"), delta(3, " there")].map((e) => ({ replyEvents: e })));
    notifySocketClosed();
    await vi.waitFor(() => expect(live()?.seq).toBe(3));
    expect(live()?.content).toBe("Hello there");

    api.stream([completed(4, "Hello there")].map((e) => ({ replyEvents: e })));
    notifySocketClosed();
    await vi.waitFor(() => expect(onFinal).toHaveBeenCalledTimes(1));

    expect(api.subscriptions).toEqual([
      {
        operationName: "GenerateReply",
        variables: { conversationId: "c1", content: "Hi", clientRequestId: "r1", parentId: null },
      },
      { operationName: "ReplyEvents", variables: { messageId: "a1", after: 2 } },
      { operationName: "ReplyEvents", variables: { messageId: "a1", after: 3 } },
    ]);
    expect(onFinal.mock.calls[0]?.[0]).toMatchObject({ seq: 4 });
    // Final: the cache holds the stored reply; the tab's copy is gone.
    expect(live()).toBeUndefined();
    follower.detach();
  });

  it("follows a reply this tab already showed from where it left off", async () => {
    useLiveReplies.getState().put({ ...newLiveReply("a1", "Hel"), seq: 1 });
    const api = fakeApi({});
    api.stream([delta(2, "lo")].map((e) => ({ replyEvents: e })));
    const follower = followReply(api.client, { kind: "follow", messageId: "a1" });
    await vi.waitFor(() => expect(live()?.content).toBe("Hello"));
    expect(api.subscriptions).toEqual([
      { operationName: "ReplyEvents", variables: { messageId: "a1", after: 1 } },
    ]);

    // Detached: a dropped socket no longer brings it back.
    follower.detach();
    notifySocketClosed();
    expect(api.subscriptions).toHaveLength(1);
    expect(live()).toMatchObject({ content: "Hello", seq: 2, running: true });
  });

  it("follows a reply it has never seen from the start", async () => {
    const api = fakeApi({});
    api.stream([completed(7, "All of it")].map((e) => ({ replyEvents: e })));
    const onFinal = vi.fn();
    followReply(api.client, { kind: "follow", messageId: "a1" }, { onFinal });
    await vi.waitFor(() => expect(onFinal).toHaveBeenCalledTimes(1));
    expect(api.subscriptions[0]?.variables).toEqual({ messageId: "a1", after: null });
  });

  it("tells a retried generateReply which reply it follows, even one this tab already showed", async () => {
    useLiveReplies.getState().put({ ...newLiveReply("a1", "Hel"), seq: 1 });
    const api = fakeApi({});
    api.stream([started, delta(1, "Hel"), delta(2, "lo")].map((e) => ({ generateReply: e })));
    const onStarted = vi.fn();
    const follower = followReply(
      api.client,
      { kind: "generate", conversationId: "c1", content: "Hi", clientRequestId: "r1" },
      { onStarted },
    );
    await vi.waitFor(() => expect(live()?.seq).toBe(2));
    expect(onStarted).toHaveBeenCalledTimes(1);
    expect(live()?.content).toBe("Hello");
    follower.detach();
  });

  it("a socket dropped before the reply is named sends the same clientRequestId again", async () => {
    const api = fakeApi({});
    api.stream([]);
    const onStarted = vi.fn();
    const start = { conversationId: "c1", content: "Hi", clientRequestId: "r1" };
    const follower = followReply(api.client, { kind: "generate", ...start }, { onStarted });
    await vi.waitFor(() => expect(api.subscriptions).toHaveLength(1));

    // The API answers the retry by following the reply that id started: one reply, not two.
    api.stream([started, delta(1, "Hi")].map((e) => ({ generateReply: e })));
    notifySocketClosed();
    await vi.waitFor(() => expect(live()?.content).toBe("Hi"));
    const sent = { ...start, parentId: null };
    expect(api.subscriptions).toEqual([
      { operationName: "GenerateReply", variables: sent },
      { operationName: "GenerateReply", variables: sent },
    ]);
    expect(onStarted).toHaveBeenCalledTimes(1);
    follower.detach();
  });

  it("regenerates with regenerateReply, and an edit names the message its turn follows", async () => {
    const api = fakeApi({});
    api.stream([started, completed(1, "Again")].map((e) => ({ regenerateReply: e })));
    const onFinal = vi.fn();
    followReply(
      api.client,
      { kind: "regenerate", messageId: "a0", clientRequestId: "r2" },
      { onFinal },
    );
    await vi.waitFor(() => expect(onFinal).toHaveBeenCalledTimes(1));

    api.stream([started].map((e) => ({ generateReply: e })));
    const edit = followReply(api.client, {
      kind: "generate",
      conversationId: "c1",
      content: "Hi again",
      clientRequestId: "r3",
      parentId: "a0",
    });
    await vi.waitFor(() => expect(api.subscriptions).toHaveLength(2));
    expect(api.subscriptions).toEqual([
      { operationName: "RegenerateReply", variables: { messageId: "a0", clientRequestId: "r2" } },
      {
        operationName: "GenerateReply",
        variables: {
          conversationId: "c1",
          content: "Hi again",
          clientRequestId: "r3",
          parentId: "a0",
        },
      },
    ]);
    edit.detach();
  });
});
