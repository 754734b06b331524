"use client";

import { AlertCircle, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useClient } from "urql";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { ForkConversationDocument, SelectBranchDocument } from "@/gql/graphql";
import { apiError } from "@/lib/urql/errors";
import { useInputLimits } from "@/lib/forms/input-limits";
import { Composer } from "./composer";
import { ExportMenu } from "./export-menu";
import { MessageActionsContext, type MessageActions } from "./message-actions";
import { takeFirstPrompt } from "./first-prompt";
import { MessageList } from "./message-list";
import { RefusalNotice } from "./refusal-notice";
import { blocksSending } from "./send-refusal";
import { useLiveReplies } from "./live-replies";
import { useMessageTarget } from "./use-message-target";
import { shownMessages, type ChatMessage } from "./live-reply";
import { useConversation } from "./use-conversation";
import { useDocumentTitle } from "./use-document-title";
import { useReply } from "./use-reply";

type StreamStatus = "idle" | "sending" | "streaming" | "error";

/** What a screen reader hears as a reply progresses (the feed itself is not live). */
const STREAM_ANNOUNCEMENT: Record<StreamStatus, string> = {
  idle: "",
  sending: "Sending…",
  streaming: "Assistant is replying…",
  error: "The reply failed.",
};

export function ChatView({
  conversationId,
  targetMessageId = null,
}: {
  conversationId: string;
  /** A message to open at (a search result): loaded, scrolled to and marked. */
  targetMessageId?: string | null;
}) {
  const {
    conversation,
    messages,
    status,
    fetching,
    hasOlder,
    loadingOlder,
    loadOlder,
    resetPaging,
  } = useConversation(conversationId);
  // A reply runs in this conversation (started here, in another tab or on another device)
  // while its last message is STREAMING.
  const last = conversation?.lastMessage;
  const runningId = last?.status === "STREAMING" ? last.id : null;
  const { pending, error, refusal, clearRefusal, send, regenerate, stop, retry } = useReply(
    conversationId,
    runningId,
  );
  // A refused first prompt (typed on the new-chat page) goes back into the composer.
  const [restored, setRestored] = useState<{ text: string } | null>(null);
  const client = useClient();
  const router = useRouter();
  const [editingId, setEditingId] = useState<string | null>(null);
  // Changing branch or forking: no other action until the API has answered.
  const [working, setWorking] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const limits = useInputLimits();
  useDocumentTitle(conversation?.title);
  // A chat started on the type-first page: its first message is sent here, once it loaded.
  useEffect(() => {
    if (status !== "ready") return;
    const first = takeFirstPrompt(conversationId);
    if (first)
      void send(first).then((sent) => {
        if (!sent) setRestored({ text: first });
      });
  }, [status, conversationId, send]);
  const live = useLiveReplies((s) => s.replies);
  const shown = useMemo(() => shownMessages(messages, live, pending), [messages, live, pending]);
  // A prompt that failed to send waits for Retry (or a new message), not for Stop.
  const busy = (pending !== null && !error) || runningId !== null;
  const runningText = runningId ? (live[runningId]?.content ?? "") : "";
  const typing = busy && !runningText;
  const locked = busy || working || status !== "ready";

  const selectVersion = useCallback(
    async (messageId: string) => {
      setWorking(true);
      setActionError(null);
      setEditingId(null);
      resetPaging();
      // The cache drops this conversation's messages and the list fetches the branch.
      const result = await client.mutation(SelectBranchDocument, { messageId }).toPromise();
      setWorking(false);
      if (result.error) setActionError(apiError(result.error, "Could not switch version.").message);
    },
    [client, resetPaging],
  );

  const fork = useCallback(
    async (messageId: string) => {
      setWorking(true);
      setActionError(null);
      const result = await client.mutation(ForkConversationDocument, { messageId }).toPromise();
      const forked = result.data?.forkConversation;
      if (!forked) {
        setWorking(false);
        setActionError(
          result.error
            ? apiError(result.error, "Could not branch the chat.").message
            : "Could not branch the chat.",
        );
        return;
      }
      router.push(`/dashboard/chat/${forked.id}`);
    },
    [client, router],
  );

  // A search result on another version of a turn: show the branch through it.
  const showBranch = useCallback(
    async (messageId: string) => {
      resetPaging();
      const result = await client.mutation(SelectBranchDocument, { messageId }).toPromise();
      return !result.error && Boolean(result.data?.selectBranch);
    },
    [client, resetPaging],
  );
  const messageIds = useMemo(() => messages.map((message) => message.id), [messages]);
  const target = useMessageTarget({
    targetId: targetMessageId,
    messageIds,
    status,
    fetching,
    hasOlder,
    loadOlder,
    showBranch,
  });

  const actions = useMemo<MessageActions>(
    () => ({
      busy: locked,
      editingId,
      startEdit: (messageId) => setEditingId(messageId),
      cancelEdit: () => setEditingId(null),
      submitEdit: (message: ChatMessage, content: string) => {
        setEditingId(null);
        if (content === message.content) return;
        // A new version of the message: its parent's next turn (null: a new first message).
        send(content, message.parentId);
      },
      regenerate: (messageId) => {
        setEditingId(null);
        regenerate(messageId);
      },
      selectVersion: (messageId) => void selectVersion(messageId),
      fork: (messageId) => void fork(messageId),
    }),
    [locked, editingId, send, regenerate, selectVersion, fork],
  );

  const lastUserMessage = useMemo(
    () => shown.findLast((message) => message.role === "USER" && !message.pending),
    [shown],
  );

  let streamStatus: StreamStatus = "idle";
  if (error) streamStatus = "error";
  else if (runningId) streamStatus = "streaming";
  else if (pending) streamStatus = "sending";

  if (status === "not-found") {
    return (
      <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center">
        <h1 className="text-lg font-semibold">Conversation not found</h1>
        <p className="text-sm text-muted-foreground">It may have been deleted.</p>
        <Button asChild variant="outline">
          <Link href="/dashboard/chat">Back to chats</Link>
        </Button>
      </div>
    );
  }

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex h-12 shrink-0 items-center border-b px-4 sm:px-6">
        {conversation ? (
          <div className="flex min-w-0 flex-1 items-center gap-2">
            <div className="flex min-w-0 flex-1 items-baseline gap-2">
              <h1 className="truncate text-sm font-medium">{conversation.title}</h1>
              <p className="hidden shrink-0 text-xs text-muted-foreground sm:block">
                {conversation.aiProvider} · {conversation.aiModel}
              </p>
            </div>
            {messages.length > 0 && (
              <ExportMenu
                conversationId={conversationId}
                title={conversation.title}
                onError={setActionError}
              />
            )}
          </div>
        ) : (
          <div className="flex items-center gap-2">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-3 w-24" />
          </div>
        )}
      </div>

      {status === "error" ? (
        <div className="flex flex-1 items-center justify-center p-6">
          <Alert variant="destructive" className="max-w-md">
            <AlertCircle />
            <AlertDescription>
              Could not load this conversation. Reload to try again.
            </AlertDescription>
          </Alert>
        </div>
      ) : (
        <MessageActionsContext value={actions}>
          <MessageList
            messages={shown}
            typing={typing}
            hasOlder={hasOlder}
            loadingOlder={loadingOlder}
            onLoadOlder={loadOlder}
            targetId={target === "found" ? targetMessageId : null}
          />
        </MessageActionsContext>
      )}

      {target === "missing" && (
        <div className="px-3 pb-2 sm:px-6">
          <Alert>
            <AlertCircle />
            <AlertDescription>
              The message you searched for is no longer in this conversation.
            </AlertDescription>
          </Alert>
        </div>
      )}

      {actionError && (
        <div className="mx-auto w-full max-w-[45rem] px-4 pb-2">
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription>{actionError}</AlertDescription>
          </Alert>
        </div>
      )}

      {refusal && <RefusalNotice refusal={refusal} onExpired={clearRefusal} />}

      {error && (
        <div className="mx-auto w-full max-w-[45rem] px-4 pb-2">
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription className="flex flex-wrap items-center justify-between gap-2">
              <span>{error.message}</span>
              {error.retry && (
                <Button variant="outline" size="sm" onClick={retry}>
                  <RotateCcw aria-hidden />
                  Retry
                </Button>
              )}
            </AlertDescription>
          </Alert>
        </div>
      )}

      <p className="sr-only" role="status">
        {STREAM_ANNOUNCEMENT[streamStatus]}
      </p>

      <Composer
        onSend={send}
        onStop={stop}
        busy={busy}
        disabled={status !== "ready" || blocksSending(refusal)}
        restore={restored}
        maxChars={limits?.messageMaxChars}
        onEditLast={lastUserMessage && !locked ? () => setEditingId(lastUserMessage.id) : undefined}
      />
    </div>
  );
}
