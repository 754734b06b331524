import Link from "next/link";
import { Suspense } from "react";

/** The link under each auth form to the other one. */
const OTHER = {
  login: { question: "Already have an account?", label: "Sign in", href: "/login" },
  register: { question: "No account yet?", label: "Create one", href: "/register" },
} as const;

export function AuthCard({
  title,
  description,
  other,
  children,
}: {
  title: string;
  description: string;
  /** The auth page to offer instead. */
  other: keyof typeof OTHER;
  children: React.ReactNode;
}) {
  const { question, label, href } = OTHER[other];
  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border bg-card p-6 shadow-sm">
        <Link href="/" className="text-sm font-semibold tracking-tight text-muted-foreground">
          Parley
        </Link>
        <h1 className="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-1 mb-6 text-sm text-muted-foreground">{description}</p>
        {/* The forms read the search params (where to go next), which needs a boundary. */}
        <Suspense>{children}</Suspense>
        <p className="mt-6 text-center text-sm text-muted-foreground">
          {question}{" "}
          <Link href={href} className="text-foreground underline underline-offset-4">
            {label}
          </Link>
        </p>
      </div>
    </main>
  );
}
