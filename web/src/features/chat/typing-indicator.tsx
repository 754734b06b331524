import { AssistantAvatar } from "./assistant-avatar";

/** Before the first token: the assistant's row, already in place, saying it is thinking. */
export function TypingIndicator() {
  return (
    <div
      className="mx-auto flex w-full max-w-[45rem] gap-3 px-4 py-3"
      role="status"
      aria-label="Assistant is typing"
    >
      <AssistantAvatar className="mt-0.5 animate-pulse" />
      <div className="flex h-7 items-center gap-2 text-sm text-muted-foreground">
        <span className="thinking-shimmer font-medium">Thinking</span>
        <span className="flex items-center gap-1" aria-hidden>
          {[0, 1, 2].map((i) => (
            <span
              key={i}
              className="size-1.5 animate-bounce rounded-full bg-muted-foreground/70"
              style={{ animationDelay: `${i * 150}ms` }}
            />
          ))}
        </span>
      </div>
    </div>
  );
}
