"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm, type DefaultValues, type FieldError, type Path } from "react-hook-form";
import { FormError, SubmitButton } from "@/components/app/form-parts";
import { FormField } from "@/components/app/form-field";
import { Input } from "@/components/ui/input";
import { showServerError } from "@/lib/forms/server-error";
import { AuthError } from "@/lib/auth/session";
import type { z } from "@/lib/zod";
import { useRedirectTarget } from "./use-redirect-target";

type Values = Record<string, string>;

export interface AuthFieldSpec<V extends Values> {
  name: keyof V & string;
  label: string;
  type?: "email" | "password";
  autoComplete: string;
  description?: string;
}

/**
 * Sign-in and sign-up: text fields checked by `schema`, then `submit` (which stores the session)
 * and on to where the guard bounced from. An error naming one of the fields shows on it.
 */
export function AuthForm<V extends Values>({
  schema,
  fields,
  submit,
  submitLabel,
}: {
  schema: z.ZodType<V, V>;
  fields: readonly AuthFieldSpec<V>[];
  submit: (values: V) => Promise<unknown>;
  submitLabel: string;
}) {
  const router = useRouter();
  const target = useRedirectTarget();
  // The API names fields as the forms do (fullName, email, password).
  const names = Object.fromEntries(fields.map(({ name }) => [name, name as Path<V>]));
  const form = useForm<V>({
    resolver: zodResolver(schema),
    defaultValues: Object.fromEntries(fields.map(({ name }) => [name, ""])) as DefaultValues<V>,
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await submit(values);
      router.replace(target);
    } catch (error) {
      const shown =
        error instanceof AuthError ? error : { message: "Something went wrong. Try again." };
      showServerError(form.setError, names, shown);
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      {fields.map(({ name, label, type, autoComplete, description }) => (
        <FormField
          key={name}
          id={name}
          label={label}
          description={description}
          error={(errors[name] as FieldError | undefined)?.message}
        >
          {(control) => (
            <Input
              {...control}
              type={type}
              autoComplete={autoComplete}
              {...form.register(name as Path<V>)}
            />
          )}
        </FormField>
      ))}
      <SubmitButton pending={isSubmitting}>{submitLabel}</SubmitButton>
    </form>
  );
}
