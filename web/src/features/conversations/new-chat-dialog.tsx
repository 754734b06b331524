"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import { useClient, useQuery } from "urql";
import { FormField } from "@/components/app/form-field";
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
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { CreateConversationDocument, ProvidersDocument, type AiProvider } from "@/gql/graphql";
import { useInputLimits, type InputLimits } from "@/lib/forms/input-limits";
import { showServerError } from "@/lib/forms/server-error";
import { defaultProvider, modelsOf, type Provider } from "@/features/chat/model-picker";
import { atMostChars } from "@/lib/forms/text-rules";
import { apiError } from "@/lib/urql/errors";
import { z } from "@/lib/zod";

/** The form's rules, with the API's served limits once they are known. */
export function newChatSchema(limits?: InputLimits) {
  return z.object({
    title: atMostChars(z.string().trim(), limits?.titleMaxChars, "Title"),
    provider: z.string().min(1, "Choose a provider."),
    model: atMostChars(
      z.string().trim().min(1, "Enter a model."),
      limits?.modelNameMaxChars,
      "Model",
    ),
    systemPrompt: atMostChars(z.string(), limits?.systemPromptMaxChars, "System prompt"),
  });
}
type Values = z.infer<ReturnType<typeof newChatSchema>>;

/** The API's names for the arguments (extensions.field) and the fields that show them. */
const FIELDS = {
  title: "title",
  aiProvider: "provider",
  aiModel: "model",
  systemPrompt: "systemPrompt",
} as const;

export { defaultProvider };

function NewChatForm({ providers, onDone }: { providers: Provider[]; onDone: () => void }) {
  const client = useClient();
  const router = useRouter();
  const ids = useId();
  const limits = useInputLimits();
  const schema = useMemo(() => newChatSchema(limits), [limits]);
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
      .mutation(CreateConversationDocument, {
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
      const error = result.error ? apiError(result.error, "Could not start the chat.") : null;
      showServerError(setError, FIELDS, error ?? { message: "Could not start the chat." });
      return;
    }
    // The cache has put it at the top of the sidebar (lib/urql/cache).
    router.push(`/dashboard/chat/${created.id}`);
    onDone();
  });

  const field = (name: string) => `${ids}-${name}`;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      <FormField
        id={field("title")}
        label="Title"
        description="Optional: an untitled chat is named after its first message."
        error={errors.title?.message}
      >
        {(props) => <Input {...props} placeholder="New chat" autoFocus {...register("title")} />}
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id={field("provider")} label="Provider" error={errors.provider?.message}>
          {(props) => (
            <NativeSelect {...props} {...register("provider")}>
              {providers.map((p) => (
                <option key={p.provider} value={p.provider} disabled={!p.configured}>
                  {p.configured ? p.displayName : `${p.displayName} (not configured)`}
                </option>
              ))}
            </NativeSelect>
          )}
        </FormField>
        <FormField id={field("model")} label="Model" error={errors.model?.message}>
          {(props) =>
            // A provider that takes any model name (a local server) gets free text with
            // its known models as suggestions; the others, exactly the models they take.
            provider?.acceptsAnyModel ? (
              <>
                <Input {...props} list={field("models")} {...register("model")} />
                <datalist id={field("models")}>
                  {modelsOf(provider).map((m) => (
                    <option key={m} value={m} />
                  ))}
                </datalist>
              </>
            ) : (
              <NativeSelect {...props} {...register("model")}>
                {modelsOf(provider).map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </NativeSelect>
            )
          }
        </FormField>
      </div>
      <FormField
        id={field("system")}
        label="System prompt"
        description="Optional: how the assistant should behave."
        error={errors.systemPrompt?.message}
      >
        {(props) => <Textarea {...props} rows={3} {...register("systemPrompt")} />}
      </FormField>
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
  const [{ data, error }] = useQuery({ query: ProvidersDocument, pause: !open });
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
