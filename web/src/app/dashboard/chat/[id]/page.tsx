import type { Metadata } from "next";
import { ChatView } from "@/features/chat/chat-view";

export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Keyed so switching conversations starts from a clean state (and stops any stream).
  return <ChatView key={id} conversationId={id} />;
}
