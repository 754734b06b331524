import { Sparkles } from "lucide-react";
import { cn } from "@/lib/utils";

/** The small mark beside every assistant turn (and the thinking state before it). */
export function AssistantAvatar({ className }: { className?: string }) {
  return (
    <div
      aria-hidden
      className={cn(
        "flex size-7 shrink-0 items-center justify-center rounded-full border bg-background text-foreground shadow-xs",
        className,
      )}
    >
      <Sparkles className="size-3.5" />
    </div>
  );
}
