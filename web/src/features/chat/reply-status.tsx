"use client";

import { CircleAlert, RotateCcw, Square } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ChatMessage } from "./live-reply";
import { useMessageActions } from "./message-actions";

/**
 * Under a reply that did not finish: a badge saying so (and why it failed), and a way to
 * try again (a new version of the reply, as Regenerate makes). Always visible, unlike the
 * hover toolbar: this is the one thing to do next.
 */
export function ReplyStatus({ message }: { message: ChatMessage }) {
  const actions = useMessageActions();
  const failed = message.status === "FAILED";
  if (!failed && message.status !== "STOPPED") return null;
  const reason = failed ? message.generation?.error : null;
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2" data-slot="reply-status">
      {failed ? (
        <Badge variant="destructive">
          <CircleAlert aria-hidden />
          Failed
        </Badge>
      ) : (
        <Badge variant="secondary">
          <Square aria-hidden className="fill-current" />
          Stopped
        </Badge>
      )}
      {reason && <span className="text-xs text-muted-foreground">{reason}</span>}
      {actions.regenerate && (
        <Button
          variant="outline"
          size="sm"
          className="h-7 rounded-full px-2.5 text-xs"
          disabled={actions.busy}
          onClick={() => actions.regenerate?.(message.id)}
        >
          <RotateCcw aria-hidden className="size-3.5" />
          Try again
        </Button>
      )}
    </div>
  );
}
