"use client";

import { AlertCircle, Loader2, MessagesSquare, Settings2 } from "lucide-react";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useClient, useQuery } from "urql";
import { LazyOverlayButton } from "@/components/app/lazy-overlay-button";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { CreateConversationDocument, ProvidersDocument } from "@/gql/graphql";
import { useInputLimits } from "@/lib/forms/input-limits";
import { apiError } from "@/lib/urql/errors";
import { Composer } from "./composer";
import { handOffFirstPrompt } from "./first-prompt";
import { defaultProvider, ModelPicker, type ModelChoice, type Provider } from "./model-picker";

// A title and a system prompt are for the few: that form loads on first use.
const loadDialog = () => import("@/features/conversations/new-chat-dialog");
const NewChatDialog = dynamic(loadDialog, { ssr: false });

/**
 * Type first: a ready composer with the provider and model preselected (the server's
 * defaults). The conversation is made on the first send, which the chat then sends.
 */
export function NewChatView() {
  const [{ data, error: loadError }] = useQuery({ query: ProvidersDocument });
  const providers = data?.providers;
  const initial = providers ? defaultProvider(providers) : undefined;
  const [chosen, setChosen] = useState<ModelChoice | null>(null);
  const choice: ModelChoice | null =
    chosen ?? (initial ? { provider: initial.provider, model: initial.defaultModel } : null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const client = useClient();
  const router = useRouter();
  const limits = useInputLimits();

  const start = async (content: string): Promise<boolean> => {
    if (!choice || creating) return false;
    setCreating(true);
    setError(null);
    const result = await client
      .mutation(CreateConversationDocument, {
        input: { title: null, aiProvider: choice.provider, aiModel: choice.model.trim() },
      })
      .toPromise();
    const created = result.data?.createConversation;
    if (!created) {
      setCreating(false);
      setError(
        result.error
          ? apiError(result.error, "Could not start the chat.").message
          : "Could not start the chat.",
      );
      return false;
    }
    handOffFirstPrompt(created.id, content);
    router.push(`/dashboard/chat/${created.id}`);
    return true;
  };

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center">
        <MessagesSquare className="size-10 text-muted-foreground" aria-hidden />
        <h1 className="text-xl font-semibold">What would you like to talk about?</h1>
        <p className="max-w-sm text-sm text-muted-foreground">
          Type a message to start a chat, or open one from the list.
        </p>
      </div>
      {error && (
        <div className="px-3 pb-2 sm:px-6">
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription>{error}</AlertDescription>
          </Alert>
        </div>
      )}
      <div className="flex min-h-10 flex-wrap items-center justify-between gap-2 border-t px-3 pt-3 sm:px-6">
        {providers && choice ? (
          <ModelPicker
            providers={providers satisfies readonly Provider[]}
            value={choice}
            onChange={setChosen}
            disabled={creating}
          />
        ) : loadError ? (
          <p className="text-sm text-destructive">
            Could not load the providers. Reload to try again.
          </p>
        ) : (
          <div className="flex items-center gap-2 text-sm text-muted-foreground" role="status">
            <Loader2 className="size-4 animate-spin" aria-hidden />
            Loading providers
          </div>
        )}
        <LazyOverlayButton load={loadDialog} overlay={NewChatDialog} variant="ghost" size="sm">
          <Settings2 aria-hidden />
          Title and system prompt
        </LazyOverlayButton>
      </div>
      <Composer
        onSend={start}
        onStop={() => {}}
        busy={false}
        disabled={!choice || creating}
        maxChars={limits?.messageMaxChars}
        autoFocus
        className="border-t-0"
      />
    </div>
  );
}
