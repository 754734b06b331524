"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { FormError, SubmitButton } from "@/components/app/form-parts";
import { registerSchema, type RegisterValues } from "@/lib/auth/schemas";
import { AuthError, register as registerAccount } from "@/lib/auth/session";
import { FormField } from "./form-field";
import { useRedirectTarget } from "./use-redirect-target";

const FIELDS = ["fullName", "email", "password"] as const;

export function RegisterForm() {
  const router = useRouter();
  const target = useRedirectTarget();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RegisterValues>({
    resolver: zodResolver(registerSchema),
    defaultValues: { fullName: "", email: "", password: "" },
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      await registerAccount(values);
      router.replace(target);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        setError("root.server", { message: "Something went wrong. Try again." });
        return;
      }
      // The API names the offending field (e.g. email taken): show it inline there.
      const field = FIELDS.find((name) => name === error.field);
      if (field) setError(field, { message: error.message }, { shouldFocus: true });
      else setError("root.server", { message: error.message });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
      <FormField
        id="fullName"
        label="Full name"
        autoComplete="name"
        error={errors.fullName?.message}
        {...register("fullName")}
      />
      <FormField
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
        error={errors.email?.message}
        {...register("email")}
      />
      <FormField
        id="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        error={errors.password?.message}
        {...register("password")}
      />
      <SubmitButton pending={isSubmitting}>Create account</SubmitButton>
    </form>
  );
}
