import type { Cache } from "@urql/exchange-graphcache";
import {
  LastMessageStatusFragmentDoc,
  MessageFieldsFragmentDoc,
  type ConversationEventsSubscription,
  type ReplyEventFieldsFragment,
} from "@/gql/graphql";
import { editConversationPages, editMessagePages } from "./pages";

/**
 * What a write does to the lists in the cache. Changed fields of a conversation or message need
 * nothing here (the cache is normalised: every list and header reading it updates); only
 * membership and order do, which the API cannot tell us without a refetch.
 */

/** Created or just written to: first in the sidebar, which is ordered by last update. */
export function moveConversationToTop(cache: Cache, id: string): void {
  editConversationPages(cache, (page) => {
    const others = page.ids.filter((other) => other !== id);
    return page.from === null ? [id, ...others] : others;
  });
}

/** Deleted: out of every page, and its entity gone, so any view of it fetches (and 404s). */
export function removeConversation(cache: Cache, id: string): void {
  editConversationPages(cache, (page) => page.ids.filter((other) => other !== id));
  cache.invalidate({ __typename: "Conversation", id });
}

/**
 * The conversation's messages are another branch now (selectBranch, or a turn attached where
 * no cached page reaches): every page is dropped, and an open view fetches the branch again.
 */
export function dropMessages(cache: Cache, conversationId: string): void {
  const key = cache.keyOfEntity(conversationKey(conversationId));
  if (!key) return;
  for (const field of cache.inspectFields(key)) {
    if (field.fieldName === "messages") cache.invalidate(key, field.fieldKey);
  }
}

/**
 * A new turn shows as the end of the branch: the newest page keeps its messages up to where the
 * turn attaches (the prompt itself when a reply is regenerated, else the prompt's parent; none
 * for a new first message), then the prompt and the reply. A plain send attaches after the last
 * message and so only appends. Where no cached page holds the attachment point, the pages are
 * dropped and fetched again. Returns the message that followed the prompt before (the reply a
 * regenerated one replaces), if any.
 */
export function placeTurn(
  cache: Cache,
  prompt: { id: string; conversationId: string; parentId: string | null },
  replyId: string,
): string | null {
  let replaced: string | null = null;
  let lost = false;
  editMessagePages(cache, prompt.conversationId, (page) => {
    // A new first message: the branch is that turn alone.
    if (page.from !== null) return prompt.parentId === null ? [] : page.ids;
    const own = page.ids.indexOf(prompt.id);
    const parent = prompt.parentId === null ? -1 : page.ids.indexOf(prompt.parentId);
    let keep: string[];
    if (own !== -1) {
      const next = page.ids[own + 1];
      if (next !== undefined && next !== replyId) replaced = next;
      keep = page.ids.slice(0, own + 1);
    } else if (prompt.parentId === null) keep = [prompt.id];
    else if (parent !== -1) keep = [...page.ids.slice(0, parent + 1), prompt.id];
    else {
      lost = page.ids.length > 0;
      keep = [prompt.id];
    }
    return [...keep, replyId];
  });
  if (lost) dropMessages(cache, prompt.conversationId);
  return replaced;
}

/** A stored message joins the newest page of its conversation, if that page is cached. */
export function appendMessage(cache: Cache, message: { id: string; conversationId: string }) {
  editMessagePages(cache, message.conversationId, (page) =>
    page.from === null && !page.ids.includes(message.id) ? [...page.ids, message.id] : page.ids,
  );
}

const conversationKey = (id: string) => ({ __typename: "Conversation", id });

function updatedAt(cache: Cache, id: string): number {
  const value = cache.resolve(conversationKey(id), "updatedAt");
  return typeof value === "string" ? Date.parse(value) : Number.NaN;
}

/**
 * Changed elsewhere (another tab or device): new, or written to since the newest in the sidebar,
 * it goes first; other changes (a rename) need nothing, as its fields are normalised.
 */
export function placeChangedConversation(cache: Cache, id: string): void {
  let newest = Number.NaN;
  editConversationPages(cache, (page) => {
    const top = page.from === null ? page.ids.find((other) => other !== id) : undefined;
    if (top !== undefined) newest = updatedAt(cache, top);
    return page.ids;
  });
  const changed = updatedAt(cache, id);
  if (Number.isNaN(newest) || !(changed < newest)) moveConversationToTop(cache, id);
}

/** The conversation's last message is `messageId`, STREAMING: it shows as running. */
function markRunning(cache: Cache, conversationId: string, messageId: string): void {
  // A final status already here (the reply ended before this news arrived) stays.
  const status = cache.resolve({ __typename: "Message", id: messageId }, "status");
  if (typeof status === "string" && status !== "STREAMING") return;
  const running = {
    __typename: "Conversation",
    id: conversationId,
    lastMessage: { __typename: "Message", id: messageId, status: "STREAMING" as const },
  };
  cache.writeFragment(LastMessageStatusFragmentDoc, running);
}

function setLastMessage(cache: Cache, message: { id: string; conversationId: string }): void {
  cache.link(conversationKey(message.conversationId), "lastMessage", {
    __typename: "Message",
    id: message.id,
  });
}

/**
 * A reply's events as they reach the cache, however it is followed (generateReply or
 * replyEvents). ReplyStarted carries the stored user message and the conversation as the
 * message left it (new title, updatedAt); the reply joins the conversation as STREAMING (its
 * text in progress lives in the live-reply store, not here); the last event is the stored reply.
 */
export function applyReplyEvent(
  cache: Cache,
  event: ReplyEventFieldsFragment | null | undefined,
): void {
  switch (event?.__typename) {
    case "ReplyStarted": {
      const { userMessage, assistantMessageId: id } = event;
      moveConversationToTop(cache, event.conversation.id);
      // Regenerated: the reply it replaces, whose versions this one joins.
      const replacedId = placeTurn(cache, userMessage, id);
      const replaced = replacedId
        ? cache.resolve({ __typename: "Message", id: replacedId }, "siblingIds")
        : null;
      // Written only when new: a reply followed again keeps what the cache already has.
      if (cache.resolve({ __typename: "Message", id }, "status") == null) {
        const versions = Array.isArray(replaced)
          ? [...replaced.filter((other): other is string => typeof other === "string"), id]
          : [id];
        const streaming = {
          __typename: "Message",
          id,
          conversationId: userMessage.conversationId,
          role: "ASSISTANT" as const,
          content: "",
          status: "STREAMING" as const,
          createdAt: userMessage.createdAt,
          parentId: userMessage.id,
          siblingIds: versions,
          siblingIndex: versions.length,
          generation: null,
        };
        cache.writeFragment(MessageFieldsFragmentDoc, streaming);
      }
      markRunning(cache, userMessage.conversationId, id);
      break;
    }
    case "ReplyCompleted":
    case "ReplyFailed":
      appendMessage(cache, event.message);
      setLastMessage(cache, event.message);
      break;
  }
}

type ConversationEvent = ConversationEventsSubscription["conversationEvents"];

/** What another tab or device did to the user's conversations. */
export function applyConversationEvent(
  cache: Cache,
  event: ConversationEvent | null | undefined,
): void {
  switch (event?.__typename) {
    case "ConversationChanged":
      placeChangedConversation(cache, event.conversation.id);
      break;
    case "ConversationDeleted":
      removeConversation(cache, event.id);
      break;
    case "ReplyRunning":
      markRunning(cache, event.conversationId, event.assistantMessageId);
      break;
  }
}
