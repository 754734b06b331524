"use client";

import { ArrowUp, Square } from "lucide-react";
import { useId, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { charCount } from "@/lib/forms/text-rules";
import { cn } from "@/lib/utils";

export function Composer({
  onSend,
  onStop,
  busy,
  disabled = false,
  maxChars,
  onEditLast,
  autoFocus = false,
  toolbar,
  className,
  restore,
}: {
  /** A promise of false (not sent after all) puts the message back, if the box is empty. */
  onSend: (content: string) => void | Promise<boolean>;
  onStop: () => void;
  /** A reply is being generated: Send turns into Stop. */
  busy: boolean;
  /** Until the conversation has loaded, sending would race the first page. */
  disabled?: boolean;
  /** The API's limit (inputLimits): longer messages are held back here, with a note. */
  maxChars?: number;
  /** Up arrow in an empty composer: edit the last message you sent. */
  onEditLast?: () => void;
  autoFocus?: boolean;
  /** Shown in the card beside the send button (the model picker of a new chat). */
  toolbar?: ReactNode;
  className?: string;
  /** Text to put back (a prompt sent from elsewhere that was refused), if the box is empty. */
  restore?: { text: string } | null;
}) {
  const [value, setValue] = useState("");
  // Adjusted while rendering (React's pattern for state that follows a prop).
  const [restoredFrom, setRestoredFrom] = useState(restore);
  if (restore !== restoredFrom) {
    setRestoredFrom(restore);
    if (restore && !value) setValue(restore.text);
  }
  const ref = useRef<HTMLTextAreaElement>(null);
  const noteId = useId();
  const tooLong = maxChars !== undefined && charCount(value.trim()) > maxChars;

  const submit = () => {
    const content = value.trim();
    if (!content || busy || disabled || tooLong) return;
    const sent = onSend(content);
    setValue("");
    void sent?.then((ok) => {
      if (!ok) setValue((current) => current || content);
    });
    ref.current?.focus();
  };

  return (
    <form
      className={cn("mx-auto w-full max-w-[45rem] px-3 pt-2 pb-3 sm:px-4 sm:pb-4", className)}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {/* The card: the text box and, inside it, what goes with it; a click on its empty
          parts puts the cursor in the box. */}
      <div
        className={cn(
          "rounded-3xl border bg-card shadow-sm transition-shadow focus-within:border-ring/60 focus-within:shadow-md",
          tooLong && "border-destructive",
        )}
        onClick={(event) => {
          if (event.target === event.currentTarget) ref.current?.focus();
        }}
      >
        <Textarea
          ref={ref}
          aria-label="Message"
          aria-invalid={tooLong || undefined}
          aria-describedby={tooLong ? noteId : undefined}
          placeholder="Message Parley"
          rows={1}
          autoFocus={autoFocus}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          onKeyDown={(event) => {
            // Enter sends; Shift+Enter inserts a newline; never send mid-IME composition.
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            } else if (event.key === "ArrowUp" && !value && onEditLast) {
              event.preventDefault();
              onEditLast();
            }
          }}
          className="field-sizing-content max-h-48 min-h-12 resize-none rounded-none border-0 bg-transparent px-4 pt-3.5 pb-1 text-[0.9375rem] shadow-none focus-visible:ring-0 md:text-[0.9375rem] dark:bg-transparent"
        />
        <div className="flex items-center gap-2 px-2.5 pb-2.5">
          <div className="flex min-w-0 flex-1 items-center gap-2">{toolbar}</div>
          {/* A keyboard hint is noise on a phone (and wrapped there): wider screens only. */}
          <p className="hidden text-xs text-muted-foreground sm:block" aria-hidden>
            Enter to send · Shift+Enter for a new line
          </p>
          {busy ? (
            <Button
              type="button"
              size="icon"
              className="size-8 rounded-full"
              aria-label="Stop"
              title="Stop"
              onClick={onStop}
            >
              <Square aria-hidden className="size-3 fill-current" />
            </Button>
          ) : (
            <Button
              type="submit"
              size="icon"
              className="size-8 rounded-full"
              aria-label="Send"
              title="Send"
              disabled={disabled || tooLong || !value.trim()}
            >
              <ArrowUp aria-hidden />
            </Button>
          )}
        </div>
      </div>
      {tooLong && (
        <p id={noteId} className="mt-1.5 px-3 text-sm text-destructive">
          Message content must be at most {maxChars} characters.
        </p>
      )}
    </form>
  );
}
