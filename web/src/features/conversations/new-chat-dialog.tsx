"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useClient, useQuery } from "urql";
import { z } from "@/lib/zod";
import { FormError, SubmitButton } from "@/components/app/form-parts";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import type { AiProvider, ProvidersQuery } from "@/gql/graphql";
import { createConversationMutation, providersQuery } from "@/graphql/chat";
import { useConversationsStore } from "./store";

const schema = z.object({
  title: z.string().trim().max(200, "At most 200 characters."),
  provider: z.string().min(1, "Choose a provider."),
  model: z.string().trim().min(1, "Enter a model.").max(200),
  systemPrompt: z.string().max(8000, "At most 8,000 characters."),
});
type Values = z.infer<typeof schema>;
type Provider = ProvidersQuery["providers"][number];

/** The provider a new chat starts with: the server's default (DEFAULT_AI_PROVIDER), else the
 * first configured one (DEMO always is). */
export function defaultProvider(providers: readonly Provider[]): Provider | undefined {
  return (
    providers.find((p) => p.isDefault && p.configured) ??
    providers.find((p) => p.configured) ??
    providers[0]
  );
}

function NewChatForm({ providers, onDone }: { providers: Provider[]; onDone: () => void }) {
  const client = useClient();
  const router = useRouter();
  const ids = useId();
  const initial = defaultProvider(providers);
  const {
    register,
    handleSubmit,
    control,
    setValue,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: {
      title: "",
      provider: initial?.provider ?? "",
      model: initial?.defaultModel ?? "",
      systemPrompt: "",
    },
  });

  const providerName = useWatch({ control, name: "provider" });
  const provider = providers.find((p) => p.provider === providerName);

  // Switching provider resets the model to that provider's default.
  useEffect(() => {
    if (provider) setValue("model", provider.defaultModel);
  }, [provider, setValue]);

  const onSubmit = handleSubmit(async (values) => {
    const result = await client
      .mutation(createConversationMutation, {
        input: {
          title: values.title || null,
          aiProvider: values.provider as AiProvider,
          aiModel: values.model,
          systemPrompt: values.systemPrompt.trim() || null,
        },
      })
      .toPromise();
    const created = result.data?.createConversation;
    if (!created) {
      setError("root.server", {
        message: result.error?.graphQLErrors[0]?.message ?? "Could not start the chat.",
      });
      return;
    }
    useConversationsStore.getState().upsertToTop(created);
    router.push(`/dashboard/chat/${created.id}`);
    onDone();
  });

  const field = (name: string) => `${ids}-${name}`;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      <div className="grid gap-2">
        <Label htmlFor={field("title")}>Title</Label>
        <Input id={field("title")} placeholder="New chat" autoFocus {...register("title")} />
        {errors.title && <p className="text-sm text-destructive">{errors.title.message}</p>}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-2">
          <Label htmlFor={field("provider")}>Provider</Label>
          <NativeSelect id={field("provider")} {...register("provider")}>
            {providers.map((p) => (
              <option key={p.provider} value={p.provider} disabled={!p.configured}>
                {p.configured ? p.displayName : `${p.displayName} (not configured)`}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-2">
          <Label htmlFor={field("model")}>Model</Label>
          <Input
            id={field("model")}
            list={field("models")}
            aria-invalid={errors.model ? true : undefined}
            {...register("model")}
          />
          <datalist id={field("models")}>
            {provider?.models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          {errors.model && <p className="text-sm text-destructive">{errors.model.message}</p>}
        </div>
      </div>
      <div className="grid gap-2">
        <Label htmlFor={field("system")}>System prompt</Label>
        <Textarea
          id={field("system")}
          rows={3}
          placeholder="Optional: how the assistant should behave"
          {...register("systemPrompt")}
        />
        {errors.systemPrompt && (
          <p className="text-sm text-destructive">{errors.systemPrompt.message}</p>
        )}
      </div>
      <DialogFooter>
        <SubmitButton pending={isSubmitting}>Start chat</SubmitButton>
      </DialogFooter>
    </form>
  );
}

export default function NewChatDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [{ data, error }] = useQuery({ query: providersQuery, pause: !open });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New chat</DialogTitle>
          <DialogDescription>Pick a model and, if you like, a system prompt.</DialogDescription>
        </DialogHeader>
        {data ? (
          <NewChatForm providers={data.providers} onDone={() => onOpenChange(false)} />
        ) : error ? (
          <FormError message="Could not load the providers. Close and try again." />
        ) : (
          <div className="flex justify-center py-8" role="status">
            <Loader2 className="size-5 animate-spin text-muted-foreground" aria-hidden />
            <span className="sr-only">Loading providers</span>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
