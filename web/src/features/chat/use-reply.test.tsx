import { act, cleanup, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, withClient } from "@/test/fake-api";
import { useLiveReplies } from "./live-replies";
import { useReply } from "./use-reply";

/*
 * The chat's reply hook against the real urql client and cache, with a stand-in API: what it
 * asks the API for when a conversation has a running reply, on Send, and on Stop.
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
const stopped = () => ({ data: { stopReply: message("a1", "ASSISTANT", "Hel", "STOPPED") } });

describe("useReply", () => {
  afterEach(() => {
    // Unmounted first: leaving commits what a view showed to the store.
    cleanup();
    vi.unstubAllGlobals();
    useLiveReplies.setState({ replies: {} });
  });

  it("follows the conversation's running reply from the start, and Stop asks the API to stop it", async () => {
    const api = fakeApi({ StopReply: stopped });
    api.stream([started, delta(1, "Hel")].map((e) => ({ replyEvents: e })));
    const { result } = renderHook(() => useReply("c1", "a1"), { wrapper: withClient(api) });

    await vi.waitFor(() => expect(useLiveReplies.getState().replies.a1?.content).toBe("Hel"));
    expect(api.subscriptions).toEqual([
      { operationName: "ReplyEvents", variables: { messageId: "a1", after: null } },
    ]);

    act(() => result.current.stop());
    await vi.waitFor(() => expect(api.calls).toContain("StopReply"));
    const body = api.fetch.mock.calls.map(([, init]) => JSON.parse(String(init?.body)));
    expect(body.find((b) => b.operationName === "StopReply")?.variables).toEqual({
      messageId: "a1",
    });
  });

  it("sends with a fresh clientRequestId, one reply at a time", async () => {
    const api = fakeApi({});
    api.stream([started].map((e) => ({ generateReply: e })));
    const { result } = renderHook(() => useReply("c1", null), { wrapper: withClient(api) });

    act(() => {
      void result.current.send("Hi");
    });
    act(() => {
      void result.current.send("Hi again");
    });
    await vi.waitFor(() => expect(result.current.pending).toBeNull());
    expect(api.subscriptions).toHaveLength(1);
    const { operationName, variables } = api.subscriptions[0]!;
    expect(operationName).toBe("GenerateReply");
    expect(variables).toMatchObject({ conversationId: "c1", content: "Hi" });
    expect(variables.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("Stop before the reply has started stops it as soon as the API names it", async () => {
    const api = fakeApi({ StopReply: stopped });
    api.stream([started].map((e) => ({ generateReply: e })));
    const { result } = renderHook(() => useReply("c1", null), { wrapper: withClient(api) });

    act(() => {
      void result.current.send("Hi");
      result.current.stop();
    });
    expect(api.calls).not.toContain("StopReply");
    await vi.waitFor(() => expect(api.calls.filter((c) => c === "StopReply")).toHaveLength(1));
  });

  it("leaving detaches: nothing is stopped", async () => {
    const api = fakeApi({ StopReply: stopped });
    api.stream([started, delta(1, "Hel")].map((e) => ({ replyEvents: e })));
    const { unmount } = renderHook(() => useReply("c1", "a1"), { wrapper: withClient(api) });
    await vi.waitFor(() => expect(useLiveReplies.getState().replies.a1?.content).toBe("Hel"));
    unmount();
    expect(api.calls).not.toContain("StopReply");
    // What it showed stays for the next view of this conversation to follow on from.
    expect(useLiveReplies.getState().replies.a1).toMatchObject({ seq: 1, running: true });
  });
  it("a refused send leaves no prompt behind, gives the text back and says until when", async () => {
    const api = fakeApi({});
    api.refuse([
      {
        message: "Your token budget is spent.",
        extensions: { code: "QUOTA_EXCEEDED", resetsAt: "2099-01-01T00:00:00Z" },
      },
    ]);
    const { result } = renderHook(() => useReply("c1", null), { wrapper: withClient(api) });

    let sent: Promise<boolean> = Promise.resolve(true);
    act(() => {
      sent = result.current.send("Hi");
    });
    expect(result.current.pending).not.toBeNull();
    await expect(sent).resolves.toBe(false);
    await vi.waitFor(() => expect(result.current.refusal?.code).toBe("QUOTA_EXCEEDED"));
    expect(result.current.pending).toBeNull();
    expect(result.current.error).toBeNull();
    expect(result.current.refusal?.until).toBe(Date.parse("2099-01-01T00:00:00Z"));

    // Until then, sending is held back here, without asking the API.
    let again: Promise<boolean> = Promise.resolve(true);
    act(() => {
      again = result.current.send("Hi");
    });
    await expect(again).resolves.toBe(false);
    expect(api.subscriptions).toHaveLength(1);
  });

  it("a CONFLICT fetches the conversation so the running reply shows here", async () => {
    const api = fakeApi({
      Conversation: () => ({ data: { conversation: null } }),
    });
    api.refuse([
      {
        message: "A reply is already running in this conversation.",
        extensions: { code: "CONFLICT", runningMessageId: "a7" },
      },
    ]);
    const { result } = renderHook(() => useReply("c1", null), { wrapper: withClient(api) });
    let sent: Promise<boolean> = Promise.resolve(true);
    act(() => {
      sent = result.current.send("Hi");
    });
    await expect(sent).resolves.toBe(false);
    await vi.waitFor(() =>
      expect(result.current.refusal).toMatchObject({ code: "CONFLICT", runningMessageId: "a7" }),
    );
    await vi.waitFor(() => expect(api.calls).toContain("Conversation"));
  });

  it("a lost connection keeps the prompt for Retry: not a refusal", async () => {
    const api = fakeApi({});
    api.refuse([{ message: "Restarting", extensions: { code: "UNAVAILABLE" } }]);
    const { result } = renderHook(() => useReply("c1", null), { wrapper: withClient(api) });
    let sent: Promise<boolean> = Promise.resolve(false);
    act(() => {
      sent = result.current.send("Hi");
    });
    await expect(sent).resolves.toBe(true);
    await vi.waitFor(() => expect(result.current.error?.code).toBe("UNAVAILABLE"));
    expect(result.current.refusal).toBeNull();
    expect(result.current.pending?.content).toBe("Hi");
  });
});
