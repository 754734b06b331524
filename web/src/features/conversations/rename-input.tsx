"use client";

import { useState } from "react";
import { Input } from "@/components/ui/input";
import { useInputLimits } from "@/lib/forms/input-limits";

/** Inline title editor: Enter or leaving the field saves, Escape cancels. */
export function RenameInput({
  initial,
  onSubmit,
  onCancel,
}: {
  initial: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const limits = useInputLimits();
  const [done, setDone] = useState(false);

  const finish = (save: boolean) => {
    if (done) return; // Enter then blur must not save twice.
    setDone(true);
    if (save) onSubmit(value);
    else onCancel();
  };

  return (
    <form
      className="py-0.5"
      onSubmit={(event) => {
        event.preventDefault();
        finish(true);
      }}
    >
      <Input
        aria-label="Conversation title"
        autoFocus
        maxLength={limits?.titleMaxChars}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onFocus={(event) => event.currentTarget.select()}
        onBlur={() => finish(true)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            finish(false);
          }
        }}
        className="h-8"
      />
    </form>
  );
}
