"use client";

import { lazy, memo, Suspense } from "react";
import { cn } from "@/lib/utils";
import type { ChatMessage } from "./live-reply";

// Markdown (and through it the highlighter) loads after first paint, off the first load.
const Markdown = lazy(() => import("./markdown"));

function PlainText({ content }: { content: string }) {
  return <p className="break-words whitespace-pre-wrap">{content}</p>;
}

/** "850 ms", "1.2 s": how long the reply took. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * How a stored reply was produced (its `generation`): tokens with the prompt/completion split,
 * the model (and the provider it stood in for), and how long it took.
 */
export function generationLine(message: ChatMessage): string | null {
  const generation = message.generation;
  if (!generation) return null;
  const { promptTokens, completionTokens, model, fallbackFrom, latencyMs } = generation;
  const parts: string[] = [];
  if (promptTokens != null && completionTokens != null) {
    const total = promptTokens + completionTokens;
    parts.push(`${total} tokens (${promptTokens} prompt + ${completionTokens} completion)`);
  }
  parts.push(fallbackFrom ? `${model} (instead of ${fallbackFrom})` : model);
  if (latencyMs != null) parts.push(duration(latencyMs));
  return parts.join(" · ");
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
  const usage = isUser ? null : generationLine(message);
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
