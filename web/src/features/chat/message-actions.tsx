"use client";

import { Check, ChevronLeft, ChevronRight, Copy, GitBranch, Pencil, RefreshCw } from "lucide-react";
import { createContext, useContext, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import type { ChatMessage } from "./live-reply";

/**
 * What can be done to a message of the open conversation; ChatView provides it (the list is
 * virtualized and memoized, so a context saves threading these through every row). Without a
 * provider a message offers only Copy.
 */
export interface MessageActions {
  /** No edit, regenerate or branch change while a reply is running or being sent. */
  busy: boolean;
  /** The user message being edited in place, if any. */
  editingId: string | null;
  startEdit?: (messageId: string) => void;
  cancelEdit?: () => void;
  submitEdit?: (message: ChatMessage, content: string) => void;
  regenerate?: (messageId: string) => void;
  selectVersion?: (messageId: string) => void;
  fork?: (messageId: string) => void;
}

export const MessageActionsContext = createContext<MessageActions>({
  busy: false,
  editingId: null,
});

export const useMessageActions = () => useContext(MessageActionsContext);

/** Copies the message's text (Markdown as written), and says so for a moment. */
export function CopyButton({ content }: { content: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <Button
      variant="ghost"
      size="icon-sm"
      aria-label="Copy message"
      title={copied ? "Copied" : "Copy"}
      onClick={() => {
        void navigator.clipboard.writeText(content).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      <span className="sr-only" role="status">
        {copied ? "Copied" : ""}
      </span>
    </Button>
  );
}

export interface Versions {
  ids: readonly string[];
  /** 1-based. */
  index: number;
}

/** `‹ 2 / 3 ›`: moves between the versions of a turn. */
export function VersionSwitcher({
  versions,
  disabled,
  onSelect,
}: {
  versions: Versions;
  disabled: boolean;
  onSelect: (messageId: string) => void;
}) {
  const { ids, index } = versions;
  const previous = ids[index - 2];
  const next = ids[index];
  return (
    <div className="flex items-center text-xs text-muted-foreground">
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label="Previous version"
        disabled={disabled || !previous}
        onClick={() => previous && onSelect(previous)}
      >
        <ChevronLeft aria-hidden />
      </Button>
      <span className="tabular-nums" aria-label={`Version ${index} of ${ids.length}`}>
        {index} / {ids.length}
      </span>
      <Button
        variant="ghost"
        size="icon-sm"
        aria-label="Next version"
        disabled={disabled || !next}
        onClick={() => next && onSelect(next)}
      >
        <ChevronRight aria-hidden />
      </Button>
    </div>
  );
}

/** The row under a message: versions, copy, and what its role allows. */
export function MessageToolbar({
  message,
  versions,
}: {
  message: ChatMessage;
  versions: Versions | null;
}) {
  const actions = useMessageActions();
  const isUser = message.role === "USER";
  const settled = !message.pending && message.status !== "STREAMING";
  if (message.pending) return null;
  return (
    <div
      className={`flex items-center gap-0.5 ${isUser ? "justify-end" : "justify-start"}`}
      data-slot="message-toolbar"
    >
      {versions && versions.ids.length > 1 && actions.selectVersion && (
        <VersionSwitcher
          versions={versions}
          disabled={actions.busy}
          onSelect={actions.selectVersion}
        />
      )}
      {/* Always shown on touch screens; with a mouse, on hover or keyboard focus. */}
      <div className="flex items-center gap-0.5 transition-opacity md:opacity-0 md:group-focus-within/message:opacity-100 md:group-hover/message:opacity-100">
        {settled && <CopyButton content={message.content} />}
        {isUser && actions.startEdit && (
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Edit message"
            disabled={actions.busy}
            onClick={() => actions.startEdit?.(message.id)}
          >
            <Pencil aria-hidden />
          </Button>
        )}
        {!isUser && settled && actions.regenerate && (
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Regenerate"
            disabled={actions.busy}
            onClick={() => actions.regenerate?.(message.id)}
          >
            <RefreshCw aria-hidden />
          </Button>
        )}
        {settled && actions.fork && (
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label="Branch in new chat"
            disabled={actions.busy}
            onClick={() => actions.fork?.(message.id)}
          >
            <GitBranch aria-hidden />
          </Button>
        )}
      </div>
    </div>
  );
}
