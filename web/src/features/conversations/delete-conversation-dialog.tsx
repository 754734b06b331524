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
import { DeleteConversationDocument, type ConversationListItemFragment } from "@/gql/graphql";
import { apiError } from "@/lib/urql/errors";

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
      .mutation(DeleteConversationDocument, { id: conversation.id })
      .toPromise();
    setPending(false);
    if (result.error) {
      setError(apiError(result.error, "Could not delete the conversation.").message);
      return;
    }
    // The cache has already taken it out of every list (lib/urql/cache).
    onOpenChange(false);
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
