"use client";

import { Plus } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";

/** Opens the type-first chat page (the conversation is made on its first send). */
export function NewChatButton() {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <Button
      size="sm"
      onClick={() => {
        if (pathname === "/dashboard/chat") {
          document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus();
        } else {
          router.push("/dashboard/chat");
        }
      }}
    >
      <Plus aria-hidden />
      New chat
    </Button>
  );
}
