import { GitBranch, MessagesSquare, Radio } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

// Signed-in visitors never see this page: the route guard (src/proxy.ts) sends them to
// their chats.

const FEATURES = [
  {
    icon: MessagesSquare,
    title: "Many models, one chat",
    text: "OpenAI, Anthropic, Gemini, Grok, a local Ollama, or the built-in Demo that needs no key.",
  },
  {
    icon: Radio,
    title: "Replies that keep going",
    text: "Answers stream live and finish on the server even if you close the tab.",
  },
  {
    icon: GitBranch,
    title: "Edit, retry, branch",
    text: "Change a question, ask again, flip between versions, export a chat.",
  },
];

export default function Home() {
  return (
    <main className="mx-auto flex min-h-full max-w-2xl flex-col justify-center gap-8 p-6">
      <div className="grid gap-3">
        <h1 className="text-4xl font-semibold tracking-tight">Parley</h1>
        <p className="text-lg text-muted-foreground">
          Parley is a chat with AI models: pick a provider and a model, type, and the reply streams
          in.
        </p>
      </div>
      <ul className="grid gap-4 sm:grid-cols-3">
        {FEATURES.map(({ icon: Icon, title, text }) => (
          <li key={title} className="grid content-start gap-1.5 rounded-lg border p-4">
            <Icon className="size-5 text-muted-foreground" aria-hidden />
            <h2 className="font-medium">{title}</h2>
            <p className="text-sm text-muted-foreground">{text}</p>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <Button asChild>
          <Link href="/register">Sign up</Link>
        </Button>
        <Button asChild variant="outline">
          <Link href="/login">Sign in</Link>
        </Button>
      </div>
    </main>
  );
}
