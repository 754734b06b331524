"use client";

import { SendHorizontal, Square } from "lucide-react";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";

export function Composer({
  onSend,
  onStop,
  busy,
  disabled = false,
}: {
  onSend: (content: string) => void;
  onStop: () => void;
  /** A reply is being generated: Send turns into Stop. */
  busy: boolean;
  /** Until the conversation has loaded, sending would race the first page. */
  disabled?: boolean;
}) {
  const [value, setValue] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);

  const submit = () => {
    const content = value.trim();
    if (!content || busy || disabled) return;
    onSend(content);
    setValue("");
    ref.current?.focus();
  };

  return (
    <form
      className="flex items-end gap-2 border-t bg-background p-3 sm:px-6"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Textarea
        ref={ref}
        aria-label="Message"
        placeholder="Message Parley (Enter to send, Shift+Enter for a new line)"
        rows={1}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          // Enter sends; Shift+Enter inserts a newline; never send mid-IME composition.
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            submit();
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
        <Button type="submit" disabled={disabled || !value.trim()}>
          <SendHorizontal aria-hidden />
          Send
        </Button>
      )}
    </form>
  );
}
