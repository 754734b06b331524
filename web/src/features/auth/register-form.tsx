"use client";

import { useMemo } from "react";
import { registerSchema, type RegisterValues } from "@/lib/auth/schemas";
import { register } from "@/lib/auth/session";
import { useInputLimits, type InputLimits } from "@/lib/forms/input-limits";
import { AuthForm, type AuthFieldSpec } from "./auth-form";

const fields = (limits?: InputLimits): AuthFieldSpec<RegisterValues>[] => [
  { name: "fullName", label: "Full name", autoComplete: "name" },
  { name: "email", label: "Email", type: "email", autoComplete: "email" },
  {
    name: "password",
    label: "Password",
    type: "password",
    autoComplete: "new-password",
    description: limits && `At least ${limits.passwordMinChars} characters.`,
  },
];

export function RegisterForm() {
  // The API's own limits (its settings may differ from the defaults), checked here first.
  const limits = useInputLimits();
  const schema = useMemo(() => registerSchema(limits), [limits]);
  return (
    <AuthForm
      schema={schema}
      fields={useMemo(() => fields(limits), [limits])}
      submit={register}
      submitLabel="Create account"
    />
  );
}
