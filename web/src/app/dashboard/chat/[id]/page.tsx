import type { Metadata } from "next";
import { ChatView } from "@/features/chat/chat-view";

export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ message?: string | string[] }>;
}) {
  const { id } = await params;
  // `?message=`: a search result to open at.
  const { message } = await searchParams;
  const target = typeof message === "string" && message ? message : null;
  // Keyed so switching conversations starts from a clean state (and stops any stream).
  return <ChatView key={id} conversationId={id} targetMessageId={target} />;
}
