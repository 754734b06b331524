"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { FormError, SubmitButton } from "@/components/app/form-parts";
import { loginSchema, type LoginValues } from "@/lib/auth/schemas";
import { AuthError, login } from "@/lib/auth/session";
import { FormField } from "./form-field";
import { useRedirectTarget } from "./use-redirect-target";

export function LoginForm() {
  const router = useRouter();
  const target = useRedirectTarget();
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<LoginValues>({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: "", password: "" },
  });

  const onSubmit = handleSubmit(async (values) => {
    try {
      await login(values);
      router.replace(target);
    } catch (error) {
      setError("root.server", {
        message: error instanceof AuthError ? error.message : "Something went wrong. Try again.",
      });
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormError message={errors.root?.server?.message} />
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
        autoComplete="current-password"
        error={errors.password?.message}
        {...register("password")}
      />
      <SubmitButton pending={isSubmitting}>Sign in</SubmitButton>
    </form>
  );
}
