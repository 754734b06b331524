"use client";

import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import { ConversationSidebar } from "./conversation-sidebar";
import { SidebarTop } from "./sidebar-top";

export default function MobileSidebarSheet({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Sheet open={open} onOpenChange={onOpenChange}>
      <SheetContent side="left" className="md:hidden">
        <SheetTitle className="sr-only">Conversations</SheetTitle>
        <SheetDescription className="sr-only">Your conversations, newest first.</SheetDescription>
        <SidebarTop onNavigate={() => onOpenChange(false)} />
        <ConversationSidebar onNavigate={() => onOpenChange(false)} />
      </SheetContent>
    </Sheet>
  );
}
