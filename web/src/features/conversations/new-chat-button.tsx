"use client";

import { Plus } from "lucide-react";
import dynamic from "next/dynamic";
import { useState } from "react";
import { Button } from "@/components/ui/button";

const loadDialog = () => import("./new-chat-dialog");
// The dialog, its form and validation load on first use, not with the page.
const NewChatDialog = dynamic(loadDialog, { ssr: false });

export function NewChatButton() {
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  return (
    <>
      <Button
        size="sm"
        aria-haspopup="dialog"
        aria-expanded={open}
        // Start fetching the chunk when the pointer approaches, so the click feels instant.
        onPointerEnter={() => void loadDialog()}
        onFocus={() => void loadDialog()}
        onClick={() => {
          setMounted(true);
          setOpen(true);
        }}
      >
        <Plus aria-hidden />
        New chat
      </Button>
      {mounted && <NewChatDialog open={open} onOpenChange={setOpen} />}
    </>
  );
}
