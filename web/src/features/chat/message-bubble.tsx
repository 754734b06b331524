"use client";

import { lazy, memo, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { cn } from "@/lib/utils";
import { AssistantAvatar } from "./assistant-avatar";
import type { ChatMessage } from "./live-reply";
import { MessageToolbar, useMessageActions, type Versions } from "./message-actions";
import { ReplyStatus } from "./reply-status";

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
 * the model (and, after a fallback, the provider that answered and the one it stood in for),
 * and how long it took.
 */
export function generationLine(message: ChatMessage): string | null {
  const generation = message.generation;
  if (!generation) return null;
  const { promptTokens, completionTokens, provider, model, fallbackFrom, latencyMs } = generation;
  const parts: string[] = [];
  if (promptTokens != null && completionTokens != null) {
    const total = promptTokens + completionTokens;
    parts.push(`${total} tokens (${promptTokens} prompt + ${completionTokens} completion)`);
  }
  // Another provider answered when the conversation's own failed: say which, plainly.
  parts.push(
    fallbackFrom ? `answered by ${provider} ${model} (fallback from ${fallbackFrom})` : model,
  );
  if (latencyMs != null) parts.push(duration(latencyMs));
  return parts.join(" · ");
}

/** A user message edited in place: Enter sends it as a new version, Escape cancels. */
function EditBox({
  initial,
  onSubmit,
  onCancel,
}: {
  initial: string;
  onSubmit: (content: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const submit = () => {
    const content = value.trim();
    if (content) onSubmit(content);
  };
  return (
    <form
      className="grid w-full gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Textarea
        aria-label="Edit your message"
        autoFocus
        value={value}
        onFocus={(event) => {
          const end = event.currentTarget.value.length;
          event.currentTarget.setSelectionRange(end, end);
        }}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
          } else if (event.key === "Escape") {
            event.preventDefault();
            onCancel();
          }
        }}
        className="field-sizing-content max-h-64 min-h-16 resize-none bg-background text-foreground"
      />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" size="sm" disabled={!value.trim()}>
          Send
        </Button>
      </div>
    </form>
  );
}

/** The versions of a message's turn, when the API says it has siblings. */
function versionsOf(message: ChatMessage): Versions | null {
  const { siblingIds, siblingIndex } = message;
  return siblingIds.length > 1 ? { ids: siblingIds, index: siblingIndex } : null;
}

/**
 * What shows while the markdown chunk loads (a moment, on first paint): the text without the
 * markers a cut-off reply could leave raw (`**To chat with a real`).
 */
function MarkdownFallback({ content, streaming }: { content: string; streaming: boolean }) {
  return (
    <>
      <PlainText content={content.replace(/\*\*|__|~~|`+|^#+ /gm, "")} />
      {streaming && <span className="stream-caret" aria-hidden />}
    </>
  );
}

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
  const streaming = message.status === "STREAMING";
  const actions = useMessageActions();
  const editing = isUser && actions.editingId === message.id;

  return (
    <article
      aria-label={isUser ? "You said" : "Assistant said"}
      aria-posinset={position}
      aria-setsize={setSize}
      // One reading column for every turn; the assistant's text takes its whole width from
      // the first token, so a streaming reply never jumps from narrow to wide.
      className="group/message mx-auto flex w-full max-w-[45rem] gap-3 px-4 py-3"
      data-role={message.role.toLowerCase()}
      data-status={message.status.toLowerCase()}
    >
      {isUser ? (
        <div className="flex min-w-0 flex-1 flex-col items-end gap-1">
          {editing ? (
            <div className="w-full">
              <EditBox
                initial={message.content}
                onSubmit={(content) => actions.submitEdit?.(message, content)}
                onCancel={() => actions.cancelEdit?.()}
              />
            </div>
          ) : (
            <div
              className={cn(
                "max-w-[85%] min-w-0 rounded-3xl bg-secondary px-4 py-2.5 text-[0.9375rem] leading-relaxed text-secondary-foreground sm:max-w-[75%]",
                message.pending && "opacity-70",
              )}
            >
              <PlainText content={message.content} />
            </div>
          )}
          {!editing && <MessageToolbar message={message} versions={versionsOf(message)} />}
        </div>
      ) : (
        <>
          <AssistantAvatar className="mt-0.5" />
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <div className="min-w-0 text-[0.9375rem] leading-7">
              <Suspense
                fallback={<MarkdownFallback content={message.content} streaming={streaming} />}
              >
                <Markdown
                  content={message.content}
                  streaming={streaming}
                  cutOff={message.status === "STOPPED" || message.status === "FAILED"}
                />
              </Suspense>
              <ReplyStatus message={message} />
              {usage && <p className="mt-1.5 text-xs text-muted-foreground">{usage}</p>}
            </div>
            <MessageToolbar message={message} versions={versionsOf(message)} />
          </div>
        </>
      )}
    </article>
  );
});
