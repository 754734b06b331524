import { create } from "zustand";
import type { ConversationListItemFragment } from "@/gql/graphql";

/**
 * The sidebar's list, newest first, grown page by page as the user scrolls. Kept in a
 * store (not a query hook) because the chat view edits it too: a new chat is prepended,
 * a reply moves its conversation to the top, renames and deletes apply at once.
 */
interface ConversationsState {
  items: ConversationListItemFragment[];
  endCursor: string | null;
  hasNextPage: boolean;
  status: "idle" | "loading" | "error";
  /** True once the first page arrived (distinguishes "empty" from "not loaded"). */
  loaded: boolean;
  startLoading: () => void;
  pageLoaded: (
    page: ConversationListItemFragment[],
    endCursor: string | null,
    hasNextPage: boolean,
    replace: boolean,
  ) => void;
  failed: () => void;
  /** Insert or update, then move to the top (most recently updated first). */
  upsertToTop: (item: ConversationListItemFragment) => void;
  patch: (id: string, fields: Partial<ConversationListItemFragment>) => void;
  remove: (id: string) => void;
  reset: () => void;
}

const empty = (): Pick<
  ConversationsState,
  "items" | "endCursor" | "hasNextPage" | "status" | "loaded"
> => ({ items: [], endCursor: null, hasNextPage: true, status: "idle", loaded: false });

export const useConversationsStore = create<ConversationsState>()((set) => ({
  ...empty(),
  startLoading: () => set({ status: "loading" }),
  pageLoaded: (page, endCursor, hasNextPage, replace) =>
    set((state) => {
      const base = replace ? [] : state.items;
      const known = new Set(base.map((c) => c.id));
      return {
        items: [...base, ...page.filter((c) => !known.has(c.id))],
        endCursor,
        hasNextPage,
        status: "idle",
        loaded: true,
      };
    }),
  failed: () => set({ status: "error" }),
  upsertToTop: (item) =>
    set((state) => ({ items: [item, ...state.items.filter((c) => c.id !== item.id)] })),
  patch: (id, fields) =>
    set((state) => ({ items: state.items.map((c) => (c.id === id ? { ...c, ...fields } : c)) })),
  remove: (id) => set((state) => ({ items: state.items.filter((c) => c.id !== id) })),
  reset: () => set(empty()),
}));
