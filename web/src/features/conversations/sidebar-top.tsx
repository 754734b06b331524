import Link from "next/link";
import { NewChatButton } from "./new-chat-button";

/**
 * The top of the sidebar (desktop aside and phone sheet): the product's name and "New chat".
 * A search field, when there is one, goes right under it.
 */
export function SidebarTop({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <div className="grid gap-3 px-3 pt-3 pb-1">
      <Link
        href="/dashboard/chat"
        onClick={onNavigate}
        className="flex h-8 items-center gap-2 px-1 font-semibold tracking-tight"
      >
        <span
          aria-hidden
          className="flex size-6 items-center justify-center rounded-md bg-primary text-xs font-bold text-primary-foreground"
        >
          P
        </span>
        Parley
      </Link>
      <NewChatButton className="w-full justify-start" onNavigate={onNavigate} />
    </div>
  );
}
