"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient } from "urql";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import type { ConversationListItemFragment } from "@/gql/graphql";
import { deleteConversationMutation } from "@/graphql/chat";
import { useConversationsStore } from "./store";

export default function DeleteConversationDialog({
  conversation,
  open,
  onOpenChange,
  active,
}: {
  conversation: ConversationListItemFragment;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  active: boolean;
}) {
  const client = useClient();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const confirm = async (event: React.MouseEvent) => {
    // Keep the dialog open until the API has answered.
    event.preventDefault();
    setPending(true);
    setError(null);
    const result = await client
      .mutation(deleteConversationMutation, { id: conversation.id })
      .toPromise();
    setPending(false);
    if (result.error) {
      setError(result.error.graphQLErrors[0]?.message ?? "Could not delete the conversation.");
      return;
    }
    onOpenChange(false);
    useConversationsStore.getState().remove(conversation.id);
    if (active) router.replace("/dashboard/chat");
  };

  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete this conversation?</AlertDialogTitle>
          <AlertDialogDescription>
            “{conversation.title}” and all its messages will be deleted. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={confirm} disabled={pending}>
            Delete
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
