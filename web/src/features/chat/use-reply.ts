"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useClient } from "urql";
import { ConversationDocument, StopReplyDocument } from "@/gql/graphql";
import { apiError } from "@/lib/urql/errors";
import type { PendingPrompt } from "./live-reply";
import { blocksSending, sendRefusal, type SendRefusal } from "./send-refusal";
import { MESSAGE_PAGE_SIZE } from "./use-conversation";
import {
  followReply,
  type FollowHandlers,
  type FollowStart,
  type Follower,
} from "./reply-follower";

let tempIds = 0;

export interface ReplyError {
  code: string;
  message: string;
}

/** What Retry does: send a prompt again, or follow a reply the socket lost. */
type Retry =
  | { kind: "generate"; prompt: PendingPrompt & { clientRequestId: string } }
  | { kind: "send"; content: string }
  | { kind: "regenerate"; messageId: string; clientRequestId: string }
  | { kind: "follow"; messageId: string };

/**
 * The replies of an open conversation. A reply is the server's job: this view starts one
 * (generateReply with a fresh clientRequestId), follows the one running in the conversation
 * wherever it was started (`runningId`, the last message while it is STREAMING), and Stop asks
 * the server to stop it (stopReply), from any tab. Leaving the view only detaches. Stored
 * messages reach the cache through the events (lib/urql/cache/updates.ts); the text in
 * progress lives in the live-reply store; this keeps what only this view knows: the prompt
 * until it is stored, and the last error for Retry.
 *
 * A send the API refuses before anything is stored (send-refusal.ts: rate limit, quota, a
 * reply already running, bad input) leaves no bubble: `send` resolves false so the composer
 * takes the text back, and `refusal` says why and until when.
 */
export function useReply(conversationId: string, runningId: string | null) {
  const client = useClient();
  const [pending, setPending] = useState<(PendingPrompt & { clientRequestId: string }) | null>(
    null,
  );
  const [error, setError] = useState<(ReplyError & { retry: Retry | null }) | null>(null);
  const [refusal, setRefusal] = useState<SendRefusal | null>(null);
  // Bumped when a follower ends, so the effect below looks at runningId again.
  const [followerEnded, setFollowerEnded] = useState(0);
  const active = useRef<{ follower: Follower | null; messageId: string | null } | null>(null);
  const stopRequested = useRef(false);
  // The regenerate request in flight, for Retry when it fails before it started.
  const regenerating = useRef<Extract<Retry, { kind: "regenerate" }> | null>(null);
  // Replies whose final event this view has seen: never followed again, even if the cache
  // still says STREAMING for a moment.
  const finished = useRef(new Set<string>());

  const requestStop = useCallback(
    (messageId: string) => {
      void client
        .mutation(StopReplyDocument, { messageId })
        .toPromise()
        .then((result) => {
          if (result.error)
            setError({ ...apiError(result.error, "Could not stop the reply."), retry: null });
        });
    },
    [client],
  );

  const refused = useCallback(
    (found: SendRefusal) => {
      setPending(null);
      setRefusal(found);
      // Another tab started a reply this one has not heard of yet: fetch the conversation, so
      // its running reply shows (and is followed) here too.
      if (found.code === "CONFLICT") {
        void client
          .query(
            ConversationDocument,
            { id: conversationId, last: MESSAGE_PAGE_SIZE, before: null },
            { requestPolicy: "network-only" },
          )
          .toPromise();
      }
    },
    [client, conversationId],
  );

  const begin = useCallback(
    (
      start: FollowStart,
      prompt: (PendingPrompt & { clientRequestId: string }) | null,
      settled: (sent: boolean) => void = () => undefined,
    ) => {
      const entry: { follower: Follower | null; messageId: string | null } = {
        follower: null,
        messageId: start.kind === "follow" ? start.messageId : null,
      };
      active.current = entry;
      let content = prompt?.content ?? null;
      const ended = () => {
        if (active.current === entry) active.current = null;
        setFollowerEnded((n) => n + 1);
      };
      const handlers: FollowHandlers = {
        onStarted(messageId, event) {
          entry.messageId = messageId;
          regenerating.current = null;
          setRefusal(null);
          settled(true);
          content ??= event.userMessage.content;
          // The cache holds the prompt now.
          setPending(null);
          if (stopRequested.current) {
            stopRequested.current = false;
            requestStop(messageId);
          }
        },
        onFinal(event) {
          finished.current.add(event.message.id);
          ended();
          if (event.__typename === "ReplyFailed") {
            setError({
              code: event.code,
              message: event.error,
              retry: content ? { kind: "send", content } : null,
            });
          }
        },
        onError(failure, messageId) {
          ended();
          const refusal = messageId ? null : sendRefusal(failure);
          if (refusal) {
            regenerating.current = null;
            refused(refusal);
            settled(false);
            return;
          }
          settled(true);
          let retry: Retry | null = null;
          if (messageId) retry = { kind: "follow", messageId };
          else if (prompt) retry = { kind: "generate", prompt };
          else if (regenerating.current) retry = regenerating.current;
          regenerating.current = null;
          setError({ ...failure, retry });
        },
      };
      entry.follower = followReply(client, start, handlers);
    },
    [client, requestStop, refused],
  );

  const generate = useCallback(
    (prompt: PendingPrompt & { clientRequestId: string }) =>
      new Promise<boolean>((settled) => {
        setError(null);
        stopRequested.current = false;
        setPending(prompt);
        const { clientRequestId, content, after } = prompt;
        // An edit names the message its turn follows; the first message's is the conversation.
        const parentId = after === undefined ? undefined : (after ?? conversationId);
        begin(
          { kind: "generate", conversationId, content, clientRequestId, parentId },
          prompt,
          settled,
        );
      }),
    [begin, conversationId],
  );

  /**
   * A new message; `after` (an edit) the message it follows, null for a new first one.
   * Resolves true once a reply started (or failed in a way Retry handles), false when
   * nothing was sent: a reply runs, the API refused it, or a refusal's wait is not over.
   */
  const send = useCallback(
    (content: string, after?: string | null): Promise<boolean> => {
      if (active.current || runningId || !content.trim() || blocksSending(refusal)) {
        return Promise.resolve(false);
      }
      return generate({
        tempId: `pending-${++tempIds}`,
        conversationId,
        content,
        createdAt: new Date().toISOString(),
        // One id per prompt: a retry after a dropped socket reuses it, so the API follows
        // the reply it already started instead of starting (and paying for) another.
        clientRequestId: crypto.randomUUID(),
        ...(after !== undefined ? { after } : {}),
      });
    },
    [conversationId, generate, runningId, refusal],
  );

  /** A new version of an assistant message, streamed like any reply. */
  const regenerate = useCallback(
    (messageId: string, clientRequestId: string = crypto.randomUUID()) => {
      if (active.current || runningId || blocksSending(refusal)) return;
      setError(null);
      stopRequested.current = false;
      const start = { kind: "regenerate", messageId, clientRequestId } as const;
      regenerating.current = start;
      begin(start, null);
    },
    [begin, runningId, refusal],
  );

  // Follow the conversation's running reply, started here or anywhere else, from what this
  // tab already shows of it.
  // After an error, only Retry follows again.
  useEffect(() => {
    if (!runningId || active.current || error || finished.current.has(runningId)) return;
    begin({ kind: "follow", messageId: runningId }, null);
  }, [runningId, followerEnded, begin, error]);

  // A CONFLICT's notice lasts while the reply it named runs.
  useEffect(() => {
    const named = refusal?.runningMessageId;
    if (named && finished.current.has(named)) setRefusal(null);
  }, [refusal, followerEnded]);

  const clearRefusal = useCallback(() => setRefusal(null), []);

  // ChatView is keyed by conversation, so this runs once, when it goes: leaving detaches,
  // and the reply runs on.
  useEffect(
    () => () => {
      active.current?.follower?.detach();
      active.current = null;
    },
    [],
  );

  const stop = useCallback(() => {
    const messageId = runningId ?? active.current?.messageId ?? null;
    if (messageId) requestStop(messageId);
    // Not started yet: stop it as soon as the API says which reply it is.
    else if (active.current) stopRequested.current = true;
  }, [requestStop, runningId]);

  const retry = useCallback(() => {
    const current = error?.retry;
    setError(null);
    if (!current || active.current) return;
    if (current.kind === "follow") begin({ kind: "follow", messageId: current.messageId }, null);
    else if (current.kind === "generate") void generate(current.prompt);
    else if (current.kind === "regenerate") regenerate(current.messageId, current.clientRequestId);
    else void send(current.content);
  }, [begin, error, generate, regenerate, send]);

  return { pending, error, refusal, clearRefusal, send, regenerate, stop, retry };
}
