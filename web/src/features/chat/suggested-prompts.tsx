"use client";

import { Code2, Lightbulb, PenLine, Table2, type LucideIcon } from "lucide-react";

interface Suggestion {
  icon: LucideIcon;
  title: string;
  detail: string;
  prompt: string;
}

/** Starting points for an empty chat: one of each kind of answer Parley renders well. */
export const SUGGESTIONS: readonly Suggestion[] = [
  {
    icon: Code2,
    title: "Write code",
    detail: "a Python retry helper with backoff",
    prompt: "Write a Python function that retries a flaky network call with exponential backoff.",
  },
  {
    icon: Table2,
    title: "Compare",
    detail: "SQL and NoSQL databases in a table",
    prompt: "Compare SQL and NoSQL databases in a short table.",
  },
  {
    icon: Lightbulb,
    title: "Explain",
    detail: "the CAP theorem in plain words",
    prompt: "Explain the CAP theorem in plain words, with an example.",
  },
  {
    icon: PenLine,
    title: "Plan",
    detail: "four days in Lisbon",
    prompt: "Plan four relaxed days in Lisbon for a first visit.",
  },
];

/** The suggestions as cards; choosing one sends its prompt. */
export function SuggestedPrompts({
  onPick,
  disabled,
}: {
  onPick: (prompt: string) => void;
  disabled: boolean;
}) {
  return (
    <ul aria-label="Suggested prompts" className="grid w-full gap-2 sm:grid-cols-2">
      {SUGGESTIONS.map(({ icon: Icon, title, detail, prompt }) => (
        <li key={title}>
          <button
            type="button"
            disabled={disabled}
            onClick={() => onPick(prompt)}
            className="flex h-full w-full items-start gap-3 rounded-2xl border bg-card px-4 py-3 text-left text-sm transition-colors outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:opacity-50"
          >
            <Icon aria-hidden className="mt-0.5 size-4 shrink-0 text-muted-foreground" />
            <span className="min-w-0">
              <span className="block font-medium">{title}</span>
              <span className="block text-muted-foreground">{detail}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
