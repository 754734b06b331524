"use client";

import { SquarePen } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** Opens the type-first chat page (the conversation is made on its first send). */
export function NewChatButton({
  className,
  onNavigate,
}: {
  className?: string;
  /** Called after a click (the phone's sheet closes). */
  onNavigate?: () => void;
}) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <Button
      variant="outline"
      size="sm"
      className={cn("bg-background shadow-xs", className)}
      onClick={() => {
        onNavigate?.();
        if (pathname === "/dashboard/chat") {
          document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus();
        } else {
          router.push("/dashboard/chat");
        }
      }}
    >
      <SquarePen aria-hidden />
      New chat
    </Button>
  );
}
