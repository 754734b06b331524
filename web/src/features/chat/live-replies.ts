import { create } from "zustand";
import type { LiveReply } from "./live-reply";

/**
 * Running replies this tab has followed, by assistant message id. Kept for the tab's life (not
 * a view's), so a conversation opened again follows on from the text it already shows. A
 * reply leaves once it is final: the cache then holds the stored message.
 */
interface LiveRepliesState {
  replies: Record<string, LiveReply>;
  put: (reply: LiveReply) => void;
  drop: (messageId: string) => void;
}

export const useLiveReplies = create<LiveRepliesState>()((set) => ({
  replies: {},
  put: (reply) => set((state) => ({ replies: { ...state.replies, [reply.messageId]: reply } })),
  drop: (messageId) =>
    set((state) => {
      if (!(messageId in state.replies)) return state;
      const { [messageId]: _dropped, ...rest } = state.replies;
      return { replies: rest };
    }),
}));
