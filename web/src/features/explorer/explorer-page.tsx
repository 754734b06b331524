"use client";

import { ArrowLeft, Loader2, MonitorSmartphone } from "lucide-react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { ThemeToggle } from "@/components/app/theme-toggle";
import { Button } from "@/components/ui/button";
import { useWideScreen } from "./use-wide-screen";

// GraphiQL with Monaco is a few megabytes: only this page ever loads it, on demand.
const GraphiQLExplorer = dynamic(() => import("./graphiql-explorer"), {
  ssr: false,
  loading: () => (
    <div className="flex h-full items-center justify-center" role="status">
      <Loader2 className="size-6 animate-spin text-muted-foreground" aria-hidden />
      <span className="sr-only">Loading the explorer</span>
    </div>
  ),
});

/** On a phone GraphiQL's editor and result panes do not fit: say so, and load none of it. */
function NarrowScreenNotice() {
  return (
    <div className="flex h-full flex-col items-center justify-center gap-3 p-6 text-center">
      <MonitorSmartphone className="size-8 text-muted-foreground" aria-hidden />
      <h2 className="font-medium">The explorer needs a wider screen</h2>
      <p className="max-w-xs text-sm text-muted-foreground">
        Open this page on a tablet or a computer (at least 768 px wide) to write and run GraphQL
        queries.
      </p>
    </div>
  );
}

export function ExplorerPage() {
  const wide = useWideScreen();
  return (
    <div className="flex h-dvh flex-col">
      <header className="flex h-12 shrink-0 items-center gap-2 border-b px-2 sm:px-4">
        <Button asChild variant="ghost" size="sm">
          <Link href="/dashboard/chat">
            <ArrowLeft aria-hidden />
            Back to chat
          </Link>
        </Button>
        <h1 className="mr-auto text-sm font-semibold">API explorer</h1>
        <ThemeToggle />
      </header>
      <div className="min-h-0 flex-1">
        {wide === true && <GraphiQLExplorer />}
        {wide === false && <NarrowScreenNotice />}
      </div>
    </div>
  );
}
