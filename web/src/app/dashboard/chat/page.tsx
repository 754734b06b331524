import { MessagesSquare } from "lucide-react";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Chat" };

export default function ChatIndexPage() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center">
      <MessagesSquare className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-xl font-semibold">Start a conversation</h1>
      <p className="max-w-sm text-sm text-muted-foreground">
        Press “New chat” to pick a provider and model, or open a conversation from the list.
      </p>
    </div>
  );
}
