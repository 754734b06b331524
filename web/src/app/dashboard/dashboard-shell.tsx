"use client";

import { BarChart3, Braces } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { SignOutButton } from "@/features/auth/sign-out-button";
import { ConversationSidebar } from "@/features/conversations/conversation-sidebar";
import { MobileSidebar } from "@/features/conversations/mobile-sidebar";
import { NewChatButton } from "@/features/conversations/new-chat-button";
import { SidebarTop } from "@/features/conversations/sidebar-top";
import { useConversationEvents } from "@/features/conversations/use-conversation-events";
import { SearchPalette } from "@/features/search/search-palette";
import { useAuthStore } from "@/lib/auth/store";
import { ThemeToggle } from "@/components/app/theme-toggle";

export function DashboardShell({ children }: { children: React.ReactNode }) {
  const user = useAuthStore((s) => s.user);
  useConversationEvents();
  return (
    <div className="flex h-dvh overflow-hidden">
      <aside className="hidden w-68 shrink-0 flex-col border-r bg-muted/40 md:flex">
        <SidebarTop />
        <ConversationSidebar />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 shrink-0 items-center gap-1 px-2 sm:gap-2 sm:px-4">
          <MobileSidebar />
          {/* On wider screens the sidebar names the product and holds "New chat". */}
          <Link href="/dashboard/chat" className="truncate font-semibold tracking-tight md:hidden">
            Parley
          </Link>
          <div className="mr-auto" />
          <NewChatButton className="md:hidden" />
          <SearchPalette />
          <Button asChild variant="ghost" size="sm" className="px-2 sm:px-3">
            <Link href="/dashboard/usage" aria-label="Usage">
              <BarChart3 aria-hidden />
              <span className="hidden sm:inline">Usage</span>
            </Link>
          </Button>
          <Button asChild variant="ghost" size="sm" className="px-2 sm:px-3">
            <Link href="/explorer" aria-label="API explorer">
              <Braces aria-hidden />
              <span className="hidden sm:inline">Explorer</span>
            </Link>
          </Button>
          <ThemeToggle />
          <span
            className="hidden max-w-40 truncate text-sm text-muted-foreground lg:inline"
            title={user?.email}
          >
            {user?.fullName || user?.email}
          </span>
          <SignOutButton />
        </header>
        <main className="min-h-0 flex-1">{children}</main>
      </div>
    </div>
  );
}
