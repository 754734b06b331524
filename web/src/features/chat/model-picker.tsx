"use client";

import { useId } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import type { AiProvider, ProvidersQuery } from "@/gql/graphql";
import { cn } from "@/lib/utils";

export type Provider = ProvidersQuery["providers"][number];

/** The provider a new chat starts with: the server's default (DEFAULT_AI_PROVIDER), else the
 * first configured one (DEMO always is). */
export function defaultProvider(providers: readonly Provider[]): Provider | undefined {
  return (
    providers.find((p) => p.isDefault && p.configured) ??
    providers.find((p) => p.configured) ??
    providers[0]
  );
}

/** The models to offer: the provider's list (its default at least). */
export const modelsOf = (provider: Provider | undefined) =>
  provider ? (provider.models.length ? provider.models : [provider.defaultModel]) : [];

export interface ModelChoice {
  provider: AiProvider;
  model: string;
}

/** Inline provider and model pickers, as on the type-first chat page. */
export function ModelPicker({
  providers,
  value,
  onChange,
  disabled = false,
  compact = false,
}: {
  providers: readonly Provider[];
  value: ModelChoice;
  onChange: (value: ModelChoice) => void;
  disabled?: boolean;
  /** Inside the composer card: pills whose labels only screen readers need. */
  compact?: boolean;
}) {
  const ids = useId();
  const labelClass = compact ? "sr-only" : "text-xs text-muted-foreground";
  const fieldClass = compact
    ? "h-8 w-auto max-w-40 rounded-full border-0 bg-secondary text-xs shadow-none md:text-xs dark:bg-secondary"
    : "h-8 w-auto";
  const provider = providers.find((p) => p.provider === value.provider);
  return (
    <div
      className={cn(
        "flex flex-wrap items-center gap-y-2",
        compact ? "min-w-0 gap-x-1.5" : "gap-x-4",
      )}
    >
      <div className="flex items-center gap-2">
        <Label htmlFor={`${ids}-provider`} className={labelClass}>
          Provider
        </Label>
        <NativeSelect
          id={`${ids}-provider`}
          className={fieldClass}
          disabled={disabled}
          value={value.provider}
          onChange={(event) => {
            const next = providers.find((p) => p.provider === event.target.value);
            // Switching provider resets the model to that provider's default.
            if (next) onChange({ provider: next.provider, model: next.defaultModel });
          }}
        >
          {providers.map((p) => (
            <option key={p.provider} value={p.provider} disabled={!p.configured}>
              {p.configured ? p.displayName : `${p.displayName} (not configured)`}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="flex items-center gap-2">
        <Label htmlFor={`${ids}-model`} className={labelClass}>
          Model
        </Label>
        {provider?.acceptsAnyModel ? (
          // A local server takes any model name: free text, its known models as suggestions.
          <>
            <Input
              id={`${ids}-model`}
              className={cn(fieldClass, "w-40")}
              list={`${ids}-models`}
              disabled={disabled}
              value={value.model}
              onChange={(event) => onChange({ ...value, model: event.target.value })}
            />
            <datalist id={`${ids}-models`}>
              {modelsOf(provider).map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </>
        ) : (
          <NativeSelect
            id={`${ids}-model`}
            className={fieldClass}
            disabled={disabled}
            value={value.model}
            onChange={(event) => onChange({ ...value, model: event.target.value })}
          >
            {modelsOf(provider).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </NativeSelect>
        )}
      </div>
    </div>
  );
}
