import type { Cache } from "@urql/exchange-graphcache";
import type { GenerateReplySubscription } from "@/gql/graphql";
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

/** A stored message joins the newest page of its conversation, if that page is cached. */
export function appendMessage(cache: Cache, message: { id: string; conversationId: string }) {
  editMessagePages(cache, message.conversationId, (page) =>
    page.from === null && !page.ids.includes(message.id) ? [...page.ids, message.id] : page.ids,
  );
}

type ReplyEvent = GenerateReplySubscription["generateReply"];

/**
 * A reply's events as they reach the cache. ReplyStarted carries the stored user message and
 * the conversation as the message left it (new title, updatedAt); the last event the stored
 * reply. Deltas are not server state yet: the chat view keeps the text in progress.
 */
export function applyReplyEvent(cache: Cache, event: ReplyEvent | null | undefined): void {
  switch (event?.__typename) {
    case "ReplyStarted":
      moveConversationToTop(cache, event.conversation.id);
      appendMessage(cache, event.userMessage);
      break;
    case "ReplyCompleted":
    case "ReplyFailed":
      appendMessage(cache, event.message);
      break;
  }
}
