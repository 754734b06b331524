"use client";

import { Plus } from "lucide-react";
import dynamic from "next/dynamic";
import { LazyOverlayButton } from "@/components/app/lazy-overlay-button";

// The dialog, its form and validation load on first use, not with the page.
const loadDialog = () => import("./new-chat-dialog");
const NewChatDialog = dynamic(loadDialog, { ssr: false });

export function NewChatButton() {
  return (
    <LazyOverlayButton load={loadDialog} overlay={NewChatDialog} size="sm">
      <Plus aria-hidden />
      New chat
    </LazyOverlayButton>
  );
}
