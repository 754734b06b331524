import type { Cache, Variables } from "@urql/exchange-graphcache";
import { ConversationsPageFragmentDoc, MessagesPageFragmentDoc } from "@/gql/graphql";

/**
 * Graphcache keeps each page of a Relay connection as its own field (`conversations({"first":
 * 30})`, `conversations({"after":"…","first":30})`) and relayPagination merges them when a query
 * reads. Updaters work on single pages instead: `cache.resolve` and `writeFragment` go around
 * resolvers, so a page read here is that page alone, and a write lands on that page only.
 */
export interface CachedPage {
  fieldKey: string;
  /** The page's arguments, as the query that fetched it passed them. */
  args: Variables;
  /** The cursor it was fetched from; null for the page a list opens with (where new items go). */
  from: string | null;
  /** The ids of its nodes, in order. */
  ids: string[];
}

type Direction = "after" | "before";

function idsOf(cache: Cache, connection: unknown): string[] {
  const edges = typeof connection === "string" ? cache.resolve(connection, "edges") : null;
  if (!Array.isArray(edges)) return [];
  return edges.flatMap((edge) => {
    const node = typeof edge === "string" ? cache.resolve(edge, "node") : null;
    const id = typeof node === "string" ? cache.resolve(node, "id") : null;
    return typeof id === "string" ? [id] : [];
  });
}

function readPages(cache: Cache, parent: string, field: string, direction: Direction) {
  return cache
    .inspectFields(parent)
    .filter((info) => info.fieldName === field)
    .map((info): CachedPage => {
      const args = info.arguments ?? {};
      const from = args[direction];
      const connection = cache.resolve(parent, info.fieldKey);
      return {
        fieldKey: info.fieldKey,
        args,
        from: typeof from === "string" ? from : null,
        ids: idsOf(cache, connection),
      };
    });
}

/** Where the next page of `page` starts: its endCursor going forwards, startCursor backwards. */
function nextCursor(cache: Cache, parent: string, page: CachedPage, direction: Direction) {
  const connection = cache.resolve(parent, page.fieldKey);
  const pageInfo = typeof connection === "string" ? cache.resolve(connection, "pageInfo") : null;
  const cursor =
    typeof pageInfo === "string"
      ? cache.resolve(pageInfo, direction === "after" ? "endCursor" : "startCursor")
      : null;
  return typeof cursor === "string" ? cursor : null;
}

/**
 * Drops the pages of `parent.field` that no longer follow from its first page. When the first
 * page is fetched again and its cursors have moved (newer items arrived), a later page cached
 * before still starts from the old cursor: merged, the two would skip the items in between.
 * Dropped, the list ends with the first page and paging resumes from its new cursor.
 */
export function dropDetachedPages(
  cache: Cache,
  parent: string,
  field: string,
  direction: Direction,
) {
  const pages = readPages(cache, parent, field, direction);
  const reached = new Set<string>();
  const frontier = pages.filter((page) => page.from === null);
  for (let page = frontier.pop(); page; page = frontier.pop()) {
    const cursor = nextCursor(cache, parent, page, direction);
    if (cursor === null || reached.has(cursor)) continue;
    reached.add(cursor);
    frontier.push(...pages.filter((other) => other.from === cursor));
  }
  for (const page of pages) {
    if (page.from !== null && !reached.has(page.from)) cache.invalidate(parent, page.fieldKey);
  }
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** Edges as Graphcache must see them to link nodes: every object names its type. */
const edgesOf = (edge: string, node: string, ids: string[]) => ({
  edges: ids.map((id) => ({ __typename: edge, node: { __typename: node, id } })),
});

function editPages(
  pages: CachedPage[],
  edit: (page: CachedPage) => string[],
  write: (page: CachedPage, ids: string[]) => void,
) {
  for (const page of pages) {
    const ids = edit(page);
    if (!sameIds(ids, page.ids)) write(page, ids);
  }
}

/** The sidebar's pages: `Query.conversations`, newest first, paged forwards with `after`. */
export function editConversationPages(cache: Cache, edit: (page: CachedPage) => string[]) {
  editPages(readPages(cache, "Query", "conversations", "after"), edit, (page, ids) => {
    const conversations = {
      __typename: "ConversationConnection",
      ...edgesOf("ConversationEdge", "Conversation", ids),
    };
    cache.writeFragment(ConversationsPageFragmentDoc, { conversations }, page.args);
  });
}

/** One conversation's message pages: oldest first, paged backwards with `before`. */
export function editMessagePages(
  cache: Cache,
  conversationId: string,
  edit: (page: CachedPage) => string[],
) {
  const parent = cache.keyOfEntity({ __typename: "Conversation", id: conversationId });
  if (!parent) return;
  editPages(readPages(cache, parent, "messages", "before"), edit, (page, ids) => {
    const messages = { __typename: "MessageConnection", ...edgesOf("MessageEdge", "Message", ids) };
    cache.writeFragment(MessagesPageFragmentDoc, { id: conversationId, messages }, page.args);
  });
}
