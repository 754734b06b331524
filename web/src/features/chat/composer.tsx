"use client";

import { SendHorizontal, Square } from "lucide-react";
import { useId, useRef, useState } from "react";
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
      className={cn("border-t bg-background p-3 sm:px-6", className)}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="flex items-end gap-2">
        <Textarea
          ref={ref}
          aria-label="Message"
          aria-invalid={tooLong || undefined}
          aria-describedby={tooLong ? noteId : undefined}
          placeholder="Message Parley (Enter to send, Shift+Enter for a new line)"
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
          className="field-sizing-content max-h-48 min-h-10 resize-none"
        />
        {busy ? (
          <Button type="button" variant="outline" onClick={onStop}>
            <Square aria-hidden />
            Stop
          </Button>
        ) : (
          <Button type="submit" disabled={disabled || tooLong || !value.trim()}>
            <SendHorizontal aria-hidden />
            Send
          </Button>
        )}
      </div>
      {tooLong && (
        <p id={noteId} className="mt-1.5 text-sm text-destructive">
          Message content must be at most {maxChars} characters.
        </p>
      )}
    </form>
  );
}
