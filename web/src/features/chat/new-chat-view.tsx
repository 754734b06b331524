"use client";

import { AlertCircle, Loader2, Settings2 } from "lucide-react";
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
import { SuggestedPrompts } from "./suggested-prompts";
import { useAuthStore } from "@/lib/auth/store";

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
  const firstName = useAuthStore((s) => s.user?.fullName?.split(" ")[0]);

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

  const picker =
    providers && choice ? (
      <ModelPicker
        providers={providers satisfies readonly Provider[]}
        value={choice}
        onChange={setChosen}
        disabled={creating}
        compact
      />
    ) : loadError ? (
      <p className="text-xs text-destructive">Could not load the providers. Reload to try again.</p>
    ) : (
      <div className="flex items-center gap-2 text-xs text-muted-foreground" role="status">
        <Loader2 className="size-3.5 animate-spin" aria-hidden />
        Loading providers
      </div>
    );

  return (
    <div className="flex h-full min-h-0 flex-col overflow-y-auto">
      <div className="mx-auto flex w-full max-w-[45rem] flex-1 flex-col justify-center gap-6 px-4 py-8">
        <div className="grid gap-1.5">
          <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">
            {firstName ? `Hello, ${firstName}.` : "Hello."}
          </h1>
          <p className="text-lg text-muted-foreground sm:text-xl">How can I help you today?</p>
        </div>
        <SuggestedPrompts onPick={(prompt) => void start(prompt)} disabled={!choice || creating} />
      </div>
      {error && (
        <div className="mx-auto w-full max-w-[45rem] px-4 pb-2">
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription>{error}</AlertDescription>
          </Alert>
        </div>
      )}
      <div className="sticky bottom-0 bg-background">
        <Composer
          onSend={start}
          onStop={() => {}}
          busy={false}
          disabled={!choice || creating}
          maxChars={limits?.messageMaxChars}
          autoFocus
          toolbar={picker}
        />
        <div className="mx-auto -mt-2 flex w-full max-w-[45rem] justify-end px-4 pb-2">
          <LazyOverlayButton
            load={loadDialog}
            overlay={NewChatDialog}
            variant="ghost"
            size="sm"
            className="h-7 text-xs text-muted-foreground"
          >
            <Settings2 aria-hidden />
            Title and system prompt
          </LazyOverlayButton>
        </div>
      </div>
    </div>
  );
}
