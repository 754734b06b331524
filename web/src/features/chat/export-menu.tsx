"use client";

import { Download, FileJson, FileText, Loader2 } from "lucide-react";
import { useState } from "react";
import { useClient } from "urql";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { ExportConversationDocument, type ExportFormat } from "@/gql/graphql";
import { apiError } from "@/lib/urql/errors";

const FILES: Record<ExportFormat, { extension: string; type: string }> = {
  MARKDOWN: { extension: "md", type: "text/markdown" },
  JSON: { extension: "json", type: "application/json" },
};

/** A file name from a title: letters, digits and dashes, never empty. */
export function exportFileName(title: string, format: ExportFormat): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `${base || "conversation"}.${FILES[format].extension}`;
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Export: the current branch as Markdown, or the whole tree as JSON, as a download. */
export function ExportMenu({
  conversationId,
  title,
  onError,
}: {
  conversationId: string;
  title: string;
  onError: (message: string) => void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);

  const run = async (format: ExportFormat) => {
    setBusy(true);
    // Always the API's document as it is now, never a cached one.
    const result = await client
      .query(
        ExportConversationDocument,
        { id: conversationId, format },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    setBusy(false);
    const text = result.data?.exportConversation;
    if (text == null) {
      onError(
        result.error
          ? apiError(result.error, "Could not export the conversation.").message
          : "Could not export the conversation.",
      );
      return;
    }
    download(exportFileName(title, format), text, FILES[format].type);
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" aria-label="Export" disabled={busy}>
          {busy ? <Loader2 className="animate-spin" aria-hidden /> : <Download aria-hidden />}
          <span className="hidden sm:inline">Export</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem onSelect={() => void run("MARKDOWN")}>
          <FileText aria-hidden />
          Markdown
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={() => void run("JSON")}>
          <FileJson aria-hidden />
          JSON
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
