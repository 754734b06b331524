"use client";

import { AlertCircle, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useInputLimits } from "@/lib/forms/input-limits";
import { Composer } from "./composer";
import { takeFirstPrompt } from "./first-prompt";
import { MessageList } from "./message-list";
import { useLiveReplies } from "./live-replies";
import { shownMessages } from "./live-reply";
import { useConversation } from "./use-conversation";
import { useReply } from "./use-reply";

type StreamStatus = "idle" | "sending" | "streaming" | "error";

/** What a screen reader hears as a reply progresses (the feed itself is not live). */
const STREAM_ANNOUNCEMENT: Record<StreamStatus, string> = {
  idle: "",
  sending: "Sending…",
  streaming: "Assistant is replying…",
  error: "The reply failed.",
};

export function ChatView({ conversationId }: { conversationId: string }) {
  const { conversation, messages, status, hasOlder, loadingOlder, loadOlder } =
    useConversation(conversationId);
  // A reply runs in this conversation (started here, in another tab or on another device)
  // while its last message is STREAMING.
  const last = conversation?.lastMessage;
  const runningId = last?.status === "STREAMING" ? last.id : null;
  const { pending, error, send, stop, retry } = useReply(conversationId, runningId);
  const limits = useInputLimits();
  // A chat started on the type-first page: its first message is sent here, once it loaded.
  useEffect(() => {
    if (status !== "ready") return;
    const first = takeFirstPrompt(conversationId);
    if (first) send(first);
  }, [status, conversationId, send]);
  const live = useLiveReplies((s) => s.replies);
  const shown = useMemo(() => shownMessages(messages, live, pending), [messages, live, pending]);
  // A prompt that failed to send waits for Retry (or a new message), not for Stop.
  const busy = (pending !== null && !error) || runningId !== null;
  const runningText = runningId ? (live[runningId]?.content ?? "") : "";
  const typing = busy && !runningText;
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
      <div className="border-b px-4 py-2 sm:px-6">
        {conversation ? (
          <>
            <h1 className="truncate font-medium">{conversation.title}</h1>
            <p className="truncate text-xs text-muted-foreground">
              {conversation.aiProvider} · {conversation.aiModel}
            </p>
          </>
        ) : (
          <div className="grid gap-1.5 py-0.5">
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
        <MessageList
          messages={shown}
          typing={typing}
          hasOlder={hasOlder}
          loadingOlder={loadingOlder}
          onLoadOlder={loadOlder}
        />
      )}

      {error && (
        <div className="px-3 pb-2 sm:px-6">
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
        disabled={status !== "ready"}
        maxChars={limits?.messageMaxChars}
      />
    </div>
  );
}
