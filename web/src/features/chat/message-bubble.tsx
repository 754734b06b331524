"use client";

import { lazy, memo, Suspense } from "react";
import { cn } from "@/lib/utils";
import type { ChatMessage } from "./chat-reducer";

// Markdown (and through it the highlighter) loads after first paint, off the first load.
const Markdown = lazy(() => import("./markdown"));

function PlainText({ content }: { content: string }) {
  return <p className="break-words whitespace-pre-wrap">{content}</p>;
}

/** Token usage from the stored message: the total, plus the split when the provider gave one. */
export function usageLine(message: ChatMessage): string | null {
  if (message.tokensUsed == null) return null;
  const meta = message.metadata ?? {};
  const prompt = meta.promptTokens ?? meta.prompt_tokens;
  const completion = meta.completionTokens ?? meta.completion_tokens;
  const split =
    typeof prompt === "number" && typeof completion === "number"
      ? ` (${prompt} prompt + ${completion} completion)`
      : "";
  const model = typeof meta.model === "string" ? ` · ${meta.model}` : "";
  return `${message.tokensUsed} tokens${split}${model}`;
}

const STATUS_NOTE: Partial<Record<ChatMessage["status"], string>> = {
  STOPPED: "Stopped",
  FAILED: "Failed",
};

export const MessageBubble = memo(function MessageBubble({
  message,
  position,
  setSize,
}: {
  message: ChatMessage;
  /** Place in the feed (aria-posinset / aria-setsize), for screen readers. */
  position?: number;
  setSize?: number;
}) {
  const isUser = message.role === "USER";
  const usage = isUser ? null : usageLine(message);
  const note = STATUS_NOTE[message.status];
  const streaming = message.status === "STREAMING";

  return (
    <article
      aria-label={isUser ? "You said" : "Assistant said"}
      aria-posinset={position}
      aria-setsize={setSize}
      className={cn("flex w-full px-3 py-2 sm:px-6", isUser ? "justify-end" : "justify-start")}
      data-role={message.role.toLowerCase()}
      data-status={message.status.toLowerCase()}
    >
      <div
        className={cn(
          "group max-w-[85%] min-w-0 rounded-2xl px-4 py-2.5 text-sm leading-relaxed sm:max-w-[75%]",
          isUser ? "bg-primary text-primary-foreground" : "bg-muted text-foreground",
          message.pending && "opacity-70",
        )}
      >
        {isUser ? (
          <PlainText content={message.content} />
        ) : (
          <Suspense fallback={<PlainText content={message.content} />}>
            <Markdown content={message.content} streaming={streaming} />
          </Suspense>
        )}
        {streaming && <span className="stream-caret" aria-hidden />}
        {(usage || note) && (
          <p className="mt-1.5 text-xs text-muted-foreground">
            {[note, usage].filter(Boolean).join(" · ")}
          </p>
        )}
      </div>
    </article>
  );
});
