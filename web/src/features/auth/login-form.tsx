"use client";

import { loginSchema, type LoginValues } from "@/lib/auth/schemas";
import { login } from "@/lib/auth/session";
import { AuthForm, type AuthFieldSpec } from "./auth-form";

const FIELDS: AuthFieldSpec<LoginValues>[] = [
  { name: "email", label: "Email", type: "email", autoComplete: "email" },
  { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
];

export function LoginForm() {
  return <AuthForm schema={loginSchema} fields={FIELDS} submit={login} submitLabel="Sign in" />;
}
