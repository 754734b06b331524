import { beforeEach, describe, expect, it } from "vitest";
import type { ConversationListItemFragment } from "@/gql/graphql";
import { useConversationsStore } from "./store";

const item = (id: string, title = id): ConversationListItemFragment => ({
  id,
  title,
  aiProvider: "DEMO",
  aiModel: "demo-1",
  updatedAt: "2026-01-01T00:00:00Z",
});

const store = () => useConversationsStore.getState();

describe("conversations store", () => {
  beforeEach(() => store().reset());

  it("appends pages, skipping items it already has", () => {
    store().pageLoaded([item("a"), item("b")], "c1", true, true);
    store().pageLoaded([item("b"), item("c")], "c2", false, false);
    expect(store().items.map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(store()).toMatchObject({ endCursor: "c2", hasNextPage: false, loaded: true });
  });

  it("moves a touched conversation to the top", () => {
    store().pageLoaded([item("a"), item("b"), item("c")], null, false, true);
    store().upsertToTop(item("c"));
    store().upsertToTop(item("new"));
    expect(store().items.map((c) => c.id)).toEqual(["new", "c", "a", "b"]);
  });

  it("patches and removes", () => {
    store().pageLoaded([item("a"), item("b")], null, false, true);
    store().patch("a", { title: "Renamed" });
    store().remove("b");
    expect(store().items).toEqual([item("a", "Renamed")]);
  });
});
