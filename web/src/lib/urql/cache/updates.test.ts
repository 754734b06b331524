import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConversationDocument,
  ConversationsDocument,
  CreateConversationDocument,
  ConversationEventsDocument,
  DeleteConversationDocument,
  GenerateReplyDocument,
  RenameConversationDocument,
  SelectBranchDocument,
} from "@/gql/graphql";
import { fakeApi, type FakeApi } from "@/test/fake-api";

/*
 * The cache as the app uses it: the real client and Graphcache config, a stand-in API. Each
 * test loads what a screen would, makes a change, then reads the cache as the screens do.
 */

const conversation = (id: string, title = `Chat ${id}`, updatedAt = "2026-01-01T00:00:00Z") => ({
  __typename: "Conversation",
  id,
  title,
  aiProvider: "DEMO",
  aiModel: "demo-1",
  updatedAt,
  currentMessageId: null,
  lastMessage: null,
});

const conversationPage = (ids: string[], hasNextPage: boolean) => ({
  data: {
    conversations: {
      __typename: "ConversationConnection",
      edges: ids.map((id) => ({ __typename: "ConversationEdge", node: conversation(id) })),
      pageInfo: { __typename: "PageInfo", hasNextPage, endCursor: ids.at(-1) ?? null },
    },
  },
});

/** Two pages: c1 c2 | c3 c4, cursors are the ids. */
const twoPages = (variables: Record<string, unknown>) =>
  variables.after === "c2"
    ? conversationPage(["c3", "c4"], false)
    : conversationPage(["c1", "c2"], true);

const message = (
  id: string,
  role = "USER",
  conversationId = "c2",
  { parentId = null as string | null, siblingIds = [id] } = {},
) => ({
  __typename: "Message",
  id,
  conversationId,
  role,
  content: `text of ${id}`,
  status: "COMPLETE",
  createdAt: "2026-01-01T00:00:00Z",
  parentId,
  siblingIds,
  siblingIndex: siblingIds.indexOf(id) + 1,
  generation: null,
});

const messagePage = (ids: string[], hasPreviousPage: boolean, id = "c2") => ({
  data: {
    conversation: {
      ...conversation(id),
      systemPrompt: null,
      messages: {
        __typename: "MessageConnection",
        edges: ids.map((m) => ({ __typename: "MessageEdge", node: message(m, "USER", id) })),
        pageInfo: { __typename: "PageInfo", hasPreviousPage, startCursor: ids[0] ?? null },
      },
    },
  },
});

/** Newest page m3 m4, older page m1 m2 (before m3). */
const twoMessagePages = (variables: Record<string, unknown>) =>
  variables.before === "m3" ? messagePage(["m1", "m2"], false) : messagePage(["m3", "m4"], true);

async function loadSidebar(api: FakeApi) {
  await api.client.query(ConversationsDocument, { first: 2 }).toPromise();
  await api.client.query(ConversationsDocument, { first: 2, after: "c2" }).toPromise();
}

async function openConversation(api: FakeApi, id = "c2") {
  await api.client.query(ConversationDocument, { id, last: 2 }).toPromise();
  await api.client.query(ConversationDocument, { id, last: 2, before: "m3" }).toPromise();
}

/** The sidebar as it reads the cache: every page merged. */
function sidebar(api: FakeApi) {
  const result = api.client.readQuery(ConversationsDocument, { first: 2 });
  return result?.data?.conversations.edges.map(({ node }) => `${node.id}:${node.title}`);
}

function openView(api: FakeApi, id = "c2") {
  return api.client.readQuery(ConversationDocument, { id, last: 2 })?.data?.conversation;
}

describe("Graphcache updaters", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("merges the sidebar's pages in order", async () => {
    const api = fakeApi({ Conversations: twoPages });
    await loadSidebar(api);
    expect(sidebar(api)).toEqual(["c1:Chat c1", "c2:Chat c2", "c3:Chat c3", "c4:Chat c4"]);
  });

  it("puts a created conversation at the top of the sidebar", async () => {
    const api = fakeApi({
      Conversations: twoPages,
      CreateConversation: () => ({ data: { createConversation: conversation("new", "Fresh") } }),
    });
    await loadSidebar(api);
    await api.client
      .mutation(CreateConversationDocument, { input: { title: "Fresh" } })
      .toPromise();
    expect(sidebar(api)?.slice(0, 2)).toEqual(["new:Fresh", "c1:Chat c1"]);
    expect(sidebar(api)).toHaveLength(5);
  });

  it("removes a deleted conversation from every page and from its open view", async () => {
    const api = fakeApi({
      Conversations: twoPages,
      Conversation: (variables) => messagePage(["m1"], false, String(variables.id)),
      DeleteConversation: () => ({ data: { deleteConversation: "c3" } }),
    });
    await loadSidebar(api);
    await api.client.query(ConversationDocument, { id: "c3", last: 2 }).toPromise();
    expect(openView(api, "c3")?.title).toBe("Chat c3");

    await api.client.mutation(DeleteConversationDocument, { id: "c3" }).toPromise();
    expect(sidebar(api)).toEqual(["c1:Chat c1", "c2:Chat c2", "c4:Chat c4"]);
    expect(openView(api, "c3")).toBeUndefined();
  });

  it("renames in the sidebar and the open conversation's header at once, and undoes a refusal", async () => {
    let answer: (body: unknown) => void = () => undefined;
    const renames = () => api.calls.filter((name) => name === "RenameConversation").length;
    const api = fakeApi({
      Conversations: twoPages,
      Conversation: twoMessagePages,
      RenameConversation: () => new Promise((resolve) => (answer = resolve)),
    });
    await loadSidebar(api);
    await openConversation(api);

    const accepted = api.client
      .mutation(RenameConversationDocument, { id: "c2", title: "Renamed" })
      .toPromise();
    // Before the API answers: the optimistic title, everywhere.
    await vi.waitFor(() => expect(renames()).toBe(1));
    expect(openView(api)?.title).toBe("Renamed");
    expect(sidebar(api)?.[1]).toBe("c2:Renamed");
    answer({ data: { updateConversation: conversation("c2", "Renamed") } });
    await accepted;
    expect(openView(api)?.title).toBe("Renamed");
    expect(sidebar(api)?.[1]).toBe("c2:Renamed");

    const refused = api.client
      .mutation(RenameConversationDocument, { id: "c2", title: "x".repeat(300) })
      .toPromise();
    await vi.waitFor(() => expect(renames()).toBe(2));
    expect(openView(api)?.title).toBe("x".repeat(300));
    answer({
      data: null,
      errors: [
        { message: "Title is too long.", extensions: { code: "BAD_USER_INPUT", field: "title" } },
      ],
    });
    await refused;
    expect(openView(api)?.title).toBe("Renamed");
    expect(sidebar(api)?.[1]).toBe("c2:Renamed");
  });

  it("applies a reply: the conversation moves up as the message left it; both messages join the newest page", async () => {
    const api = fakeApi({ Conversations: twoPages, Conversation: twoMessagePages });
    await loadSidebar(api);
    await openConversation(api);
    const named = conversation("c2", "Named by the prompt", "2026-01-02T00:00:00Z");
    api.stream([
      {
        generateReply: {
          __typename: "ReplyStarted",
          seq: 0,
          assistantMessageId: "a1",
          userMessage: message("u1", "USER", "c2", { parentId: "m4" }),
          conversation: named,
        },
      },
      { generateReply: { __typename: "ReplyDelta", seq: 1, assistantMessageId: "a1", text: "Hi" } },
      {
        generateReply: {
          __typename: "ReplyCompleted",
          seq: 2,
          message: message("a1", "ASSISTANT"),
        },
      },
    ]);
    await new Promise<void>((done) => {
      let seen = 0;
      api.client
        .subscription(GenerateReplyDocument, { conversationId: "c2", content: "Hello" })
        .subscribe(() => ++seen === 3 && done());
    });

    expect(sidebar(api)?.slice(0, 2)).toEqual(["c2:Named by the prompt", "c1:Chat c1"]);
    const view = openView(api);
    expect(view?.title).toBe("Named by the prompt");
    expect(view?.updatedAt).toBe("2026-01-02T00:00:00Z");
    expect(view?.messages.edges.map(({ node }) => node.id)).toEqual([
      "m1",
      "m2",
      "m3",
      "m4",
      "u1",
      "a1",
    ]);
    // Final: the conversation no longer shows a running reply.
    expect(view?.lastMessage).toEqual({ id: "a1", status: "COMPLETE" });
  });

  it("shows a started reply as running: STREAMING in the open view and the sidebar", async () => {
    const api = fakeApi({ Conversations: twoPages, Conversation: twoMessagePages });
    await loadSidebar(api);
    await openConversation(api);
    api.stream([
      {
        generateReply: {
          __typename: "ReplyStarted",
          seq: 0,
          assistantMessageId: "a1",
          userMessage: message("u1", "USER", "c2", { parentId: "m4" }),
          conversation: conversation("c2", "Chat c2", "2026-01-02T00:00:00Z"),
        },
      },
    ]);
    await new Promise<void>((done) => {
      api.client
        .subscription(GenerateReplyDocument, { conversationId: "c2", content: "Hello" })
        .subscribe(() => done());
    });
    const view = openView(api);
    expect(view?.lastMessage).toMatchObject({ id: "a1", status: "STREAMING" });
    expect(view?.messages.edges.at(-1)?.node).toMatchObject({
      id: "a1",
      role: "ASSISTANT",
      status: "STREAMING",
      content: "",
    });
    const first = api.client.readQuery(ConversationsDocument, { first: 2 })?.data?.conversations
      .edges[0]?.node;
    expect(first).toMatchObject({ id: "c2", lastMessage: { id: "a1", status: "STREAMING" } });
  });

  it("follows other tabs: new, written-to, renamed, deleted conversations and running replies", async () => {
    const api = fakeApi({ Conversations: twoPages, Conversation: twoMessagePages });
    await loadSidebar(api);
    await openConversation(api);
    const changed = (id: string, title: string, updatedAt: string) => ({
      conversationEvents: {
        __typename: "ConversationChanged",
        conversation: conversation(id, title, updatedAt),
      },
    });
    api.stream([
      // Created in another tab: newest, so first.
      changed("new", "From my phone", "2026-01-03T00:00:00Z"),
      // Renamed elsewhere, not written to: stays in place, new title.
      changed("c3", "Renamed there", "2026-01-01T00:00:00Z"),
      { conversationEvents: { __typename: "ConversationDeleted", id: "c4" } },
      {
        conversationEvents: {
          __typename: "ReplyRunning",
          conversationId: "c2",
          assistantMessageId: "a9",
        },
      },
    ]);
    await new Promise<void>((done) => {
      let seen = 0;
      api.client
        .subscription(ConversationEventsDocument, {})
        .subscribe(() => ++seen === 4 && done());
    });
    expect(sidebar(api)).toEqual([
      "new:From my phone",
      "c1:Chat c1",
      "c2:Chat c2",
      "c3:Renamed there",
    ]);
    // The open view learns that a reply runs (and which), so it can follow it.
    expect(openView(api)?.lastMessage).toMatchObject({ id: "a9", status: "STREAMING" });
  });

  /** The open view's message ids after `event` arrives on a generateReply stream. */
  async function afterStarted(api: FakeApi, userMessage: ReturnType<typeof message>) {
    api.stream([
      {
        generateReply: {
          __typename: "ReplyStarted",
          seq: 0,
          assistantMessageId: "a9",
          userMessage,
          conversation: conversation("c2", "Chat c2", "2026-01-02T00:00:00Z"),
        },
      },
    ]);
    await new Promise<void>((done) => {
      api.client
        .subscription(GenerateReplyDocument, { conversationId: "c2", content: "x" })
        .subscribe(() => done());
    });
    return openView(api)?.messages.edges.map(({ node }) => node.id);
  }

  it("shows an edit as the new end of the branch: up to the parent, then the new turn", async () => {
    const api = fakeApi({ Conversation: twoMessagePages });
    await openConversation(api);
    // m4 edited: its new version u9 follows m3, and m4 leaves the branch shown.
    const edited = message("u9", "USER", "c2", { parentId: "m3", siblingIds: ["m4", "u9"] });
    expect(await afterStarted(api, edited)).toEqual(["m1", "m2", "m3", "u9", "a9"]);
    expect(openView(api)?.messages.edges.at(-2)?.node).toMatchObject({ siblingIndex: 2 });
  });

  it("shows a regenerated reply in place of the one it replaces, as its newest version", async () => {
    const api = fakeApi({ Conversation: twoMessagePages });
    await openConversation(api);
    // m4 is m3's reply; regenerating it keeps m3 (the prompt) and follows it with a9.
    expect(await afterStarted(api, message("m3", "USER", "c2", { parentId: "m2" }))).toEqual([
      "m1",
      "m2",
      "m3",
      "a9",
    ]);
    expect(openView(api)?.messages.edges.at(-1)?.node).toMatchObject({
      id: "a9",
      status: "STREAMING",
      parentId: "m3",
      siblingIds: ["m4", "a9"],
      siblingIndex: 2,
    });
  });

  it("shows an edited first message as the whole branch", async () => {
    const api = fakeApi({ Conversation: twoMessagePages });
    await openConversation(api);
    expect(await afterStarted(api, message("u9", "USER", "c2", { parentId: null }))).toEqual([
      "u9",
      "a9",
    ]);
  });

  it("fetches the branch again when it changes (selectBranch)", async () => {
    let branch = ["m3", "m4"];
    const api = fakeApi({
      Conversation: () => messagePage(branch, false),
      SelectBranch: () => ({ data: { selectBranch: { ...conversation("c2") } } }),
    });
    await api.client.query(ConversationDocument, { id: "c2", last: 2 }).toPromise();
    expect(openView(api)?.messages.edges.map(({ node }) => node.id)).toEqual(["m3", "m4"]);
    branch = ["m3", "m5"];
    await api.client.mutation(SelectBranchDocument, { messageId: "m5" }).toPromise();
    // Dropped from the cache: the view's next read fetches the new branch.
    expect(openView(api)).toBeUndefined();
    await api.client.query(ConversationDocument, { id: "c2", last: 2 }).toPromise();
    expect(openView(api)?.messages.edges.map(({ node }) => node.id)).toEqual(["m3", "m5"]);
  });

  it("drops older pages a refetched newest page no longer leads to, rather than leave a gap", async () => {
    let newer = false;
    const api = fakeApi({
      Conversation: (variables) =>
        newer && variables.before == null
          ? messagePage(["m5", "m6"], true)
          : twoMessagePages(variables),
    });
    await openConversation(api);
    expect(openView(api)?.messages.edges).toHaveLength(4);

    // m5 and m6 arrived elsewhere; m3 and m4 are now on no cached page.
    newer = true;
    await api.client
      .query(ConversationDocument, { id: "c2", last: 2 }, { requestPolicy: "network-only" })
      .toPromise();
    const messages = openView(api)?.messages;
    expect(messages?.edges.map(({ node }) => node.id)).toEqual(["m5", "m6"]);
    expect(messages?.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: "m5" });
  });
});
