"use client";

import { Pencil, Trash2 } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { useClient } from "urql";
import { Button } from "@/components/ui/button";
import { RenameConversationDocument, type ConversationListItemFragment } from "@/gql/graphql";
import { cn } from "@/lib/utils";
import { RenameInput } from "./rename-input";

// The confirmation dialog (and Radix's dialog code) loads on first use only.
const DeleteConversationDialog = dynamic(() => import("./delete-conversation-dialog"), {
  ssr: false,
});

export function ConversationItem({
  conversation,
  active,
  running = false,
  onNavigate,
}: {
  conversation: ConversationListItemFragment;
  active: boolean;
  /** A reply is running in it (here or in another tab or device). */
  running?: boolean;
  onNavigate?: () => void;
}) {
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [confirmMounted, setConfirmMounted] = useState(false);
  const { title } = conversation;

  const rename = (next: string) => {
    setEditing(false);
    const trimmed = next.trim();
    if (!trimmed || trimmed === title) return;
    // The cache shows the new title at once wherever the conversation appears (sidebar,
    // header) and puts the old one back if the API refuses (lib/urql/cache).
    void client
      .mutation(RenameConversationDocument, { id: conversation.id, title: trimmed })
      .toPromise();
  };

  return (
    <li className="group relative">
      {editing ? (
        <RenameInput initial={title} onSubmit={rename} onCancel={() => setEditing(false)} />
      ) : (
        <Link
          href={`/dashboard/chat/${conversation.id}`}
          aria-current={active ? "page" : undefined}
          onClick={onNavigate}
          className={cn(
            "flex items-center gap-2 rounded-md py-2 pr-16 pl-2 text-sm hover:bg-accent",
            active && "bg-accent font-medium",
          )}
        >
          <span className="truncate">{title}</span>
          {running && (
            <span
              role="img"
              aria-label="Reply running"
              className="size-2 shrink-0 animate-pulse rounded-full bg-primary"
            />
          )}
        </Link>
      )}
      {!editing && (
        // Always visible on touch screens; revealed on hover/focus where there is a mouse.
        <div className="absolute top-1 right-1 flex gap-0.5 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label={`Rename ${title}`}
            onClick={() => setEditing(true)}
          >
            <Pencil aria-hidden />
          </Button>
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label={`Delete ${title}`}
            onClick={() => {
              setConfirmMounted(true);
              setConfirming(true);
            }}
          >
            <Trash2 aria-hidden />
          </Button>
        </div>
      )}
      {confirmMounted && (
        <DeleteConversationDialog
          conversation={conversation}
          open={confirming}
          onOpenChange={setConfirming}
          active={active}
        />
      )}
    </li>
  );
}
