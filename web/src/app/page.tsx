import Link from "next/link";

export default function Home() {
  return (
    <main className="mx-auto flex min-h-full max-w-xl flex-col items-start justify-center gap-4 p-6">
      <h1 className="text-3xl font-semibold tracking-tight">Parley</h1>
      <p className="text-muted-foreground">Chat with AI models over a typed GraphQL API.</p>
      <div className="flex gap-3">
        <Link className="underline underline-offset-4" href="/login">
          Sign in
        </Link>
        <Link className="underline underline-offset-4" href="/register">
          Create account
        </Link>
      </div>
    </main>
  );
}
