"use client";

import { AlertCircle, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useMemo } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useInputLimits } from "@/lib/forms/input-limits";
import { Composer } from "./composer";
import { MessageList } from "./message-list";
import { withReplies, type StreamStatus } from "./reply-reducer";
import { useConversation } from "./use-conversation";
import { useReply } from "./use-reply";

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
  const { state, send, stop, retry } = useReply(conversationId);
  const limits = useInputLimits();
  const shown = useMemo(() => withReplies(messages, state.messages), [messages, state.messages]);
  const { stream } = state;
  const busy = stream.status === "sending" || stream.status === "streaming";
  const streamingMessage = stream.assistantId
    ? state.messages.findLast((m) => m.id === stream.assistantId)
    : undefined;
  const typing =
    stream.status === "sending" || (stream.status === "streaming" && !streamingMessage?.content);

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

      {stream.status === "error" && stream.error && (
        <div className="px-3 pb-2 sm:px-6">
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription className="flex flex-wrap items-center justify-between gap-2">
              <span>{stream.error.message}</span>
              <Button variant="outline" size="sm" onClick={retry}>
                <RotateCcw aria-hidden />
                Retry
              </Button>
            </AlertDescription>
          </Alert>
        </div>
      )}

      <p className="sr-only" role="status">
        {STREAM_ANNOUNCEMENT[stream.status]}
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
