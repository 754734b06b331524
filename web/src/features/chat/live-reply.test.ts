import { describe, expect, it } from "vitest";
import type { MessageFieldsFragment } from "@/gql/graphql";
import {
  applyEvent,
  eventMessageId,
  followAfter,
  newLiveReply,
  shownMessages,
  type LiveReply,
  type ReplyEvent,
} from "./live-reply";

function message(id: string, fields: Partial<MessageFieldsFragment> = {}): MessageFieldsFragment {
  return {
    id,
    conversationId: "c1",
    role: "ASSISTANT",
    content: "",
    status: "COMPLETE",
    generation: null,
    createdAt: "2026-01-01T00:00:00Z",
    parentId: null,
    siblingIds: [id],
    siblingIndex: 1,
    ...fields,
  };
}

const started: ReplyEvent = {
  __typename: "ReplyStarted",
  seq: 0,
  assistantMessageId: "a1",
  userMessage: message("u1", { role: "USER", content: "Hi" }),
  conversation: {
    id: "c1",
    title: "Hi",
    aiProvider: "DEMO",
    aiModel: "demo-1",
    updatedAt: "2026-01-01T00:00:00Z",
    currentMessageId: "a1",
  },
};
const delta = (seq: number, text: string): ReplyEvent => ({
  __typename: "ReplyDelta",
  seq,
  assistantMessageId: "a1",
  text,
});
const completed = (
  seq: number,
  content: string,
  status: MessageFieldsFragment["status"] = "COMPLETE",
): ReplyEvent => ({
  __typename: "ReplyCompleted",
  seq,
  message: message("a1", { content, status }),
});

const run = (events: ReplyEvent[], reply: LiveReply = newLiveReply("a1")) =>
  events.reduce(applyEvent, reply);

describe("applyEvent", () => {
  it("appends deltas in seq order and ends with the stored text", () => {
    const streaming = run([started, delta(1, "Hel"), delta(2, "lo")]);
    expect(streaming).toMatchObject({ content: "Hello", seq: 2, running: true });
    const done = applyEvent(streaming, completed(3, "Hello"));
    expect(done).toMatchObject({ content: "Hello", seq: 3, running: false });
  });

  it("drops events at or below the last seq, so a replay shows nothing twice", () => {
    const before = run([started, delta(1, "a"), delta(2, "b"), delta(3, "c")]);
    // A reconnect that replays from seq 2 (e.g. a retried generateReply) overlaps by two.
    const after = run([delta(2, "b"), delta(3, "c"), delta(4, "d")], before);
    expect(after.content).toBe("abcd");
    expect(applyEvent(after, delta(4, "d"))).toBe(after);
    expect(applyEvent(after, started)).toBe(after);
  });

  it("takes a merged delta (the seq of its last piece) as one event", () => {
    const reply = run([started, delta(1, "a"), delta(4, "bcd"), delta(5, "e")]);
    expect(reply).toMatchObject({ content: "abcde", seq: 5 });
  });

  it("follows on from what a view already shows", () => {
    const shown = run([started, delta(1, "Hel")]);
    expect(followAfter(shown)).toBe(1);
    expect(followAfter(undefined)).toBeNull();
    expect(followAfter(newLiveReply("a1"))).toBeNull();
    // What a follow after seq 1 brings completes the text exactly once.
    expect(run([delta(2, "lo"), completed(3, "Hello")], shown).content).toBe("Hello");
  });

  it("ends a reply stopped elsewhere with the text the server stored", () => {
    const reply = run([started, delta(1, "Partial"), completed(2, "Partial", "STOPPED")]);
    expect(reply).toMatchObject({ content: "Partial", running: false });
  });

  it("a finished reply followed late is answered by its final event alone", () => {
    expect(run([completed(9, "All of it")])).toMatchObject({ content: "All of it", seq: 9 });
  });
});

describe("eventMessageId", () => {
  it("names the assistant message of every kind of event", () => {
    expect([started, delta(1, "x"), completed(2, "x")].map(eventMessageId)).toEqual([
      "a1",
      "a1",
      "a1",
    ]);
  });
});

describe("shownMessages", () => {
  const stored = [
    message("u1", { role: "USER", content: "Hi" }),
    message("a1", { status: "STREAMING" }),
  ];

  it("shows a running reply's followed text over the stored (empty) one", () => {
    const live = { a1: run([started, delta(1, "Hel")]) };
    expect(shownMessages(stored, live, null).map((m) => m.content)).toEqual(["Hi", "Hel"]);
  });

  it("shows the stored message once it is final, whatever was followed", () => {
    const final = [stored[0]!, message("a1", { status: "STOPPED", content: "He" })];
    const live = { a1: run([started, delta(1, "Hel")]) };
    expect(shownMessages(final, live, null)[1]).toMatchObject({ content: "He" });
  });

  it("puts the prompt not yet stored last, marked pending", () => {
    const pending = { tempId: "p1", conversationId: "c1", content: "Next", createdAt: "t" };
    const shown = shownMessages(stored, {}, pending);
    expect(shown.map((m) => m.id)).toEqual(["u1", "a1", "p1"]);
    expect(shown[2]).toMatchObject({ role: "USER", pending: true, content: "Next" });
  });
});

describe("shownMessages with an edit in flight", () => {
  const stored = [
    message("u1", { role: "USER", content: "one" }),
    message("a1", { content: "reply one" }),
    message("u2", { role: "USER", content: "two" }),
    message("a2", { content: "reply two" }),
  ];
  const prompt = { tempId: "p1", conversationId: "c1", content: "two, again", createdAt: "x" };

  it("shows the branch up to the edited message's parent, then the new version", () => {
    const shown = shownMessages(stored, {}, { ...prompt, after: "a1" });
    expect(shown.map((m) => m.id)).toEqual(["u1", "a1", "p1"]);
    expect(shown.at(-1)).toMatchObject({ pending: true, parentId: "a1", content: "two, again" });
  });

  it("shows only the new version when the first message is edited", () => {
    expect(shownMessages(stored, {}, { ...prompt, after: null }).map((m) => m.id)).toEqual(["p1"]);
  });

  it("appends a plain send after the last message", () => {
    expect(shownMessages(stored, {}, prompt).map((m) => m.id)).toEqual([
      "u1",
      "a1",
      "u2",
      "a2",
      "p1",
    ]);
  });
});
