import type { Metadata } from "next";
import { AuthCard } from "@/features/auth/auth-card";
import { LoginForm } from "@/features/auth/login-form";

export const metadata: Metadata = { title: "Sign in" };

const WELCOME = "Welcome back. Sign in to continue your conversations.";

export default function LoginPage() {
  return (
    <AuthCard title="Sign in" description={WELCOME} other="register">
      <LoginForm />
    </AuthCard>
  );
}
