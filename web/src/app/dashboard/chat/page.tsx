import type { Metadata } from "next";
import { NewChatView } from "@/features/chat/new-chat-view";

export const metadata: Metadata = { title: "Chat" };

export default function ChatIndexPage() {
  return <NewChatView />;
}
