"use client";

import { Check, Copy } from "lucide-react";
import { memo, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

/** Waits for the stream to pause before re-highlighting a block that is still growing. */
const HIGHLIGHT_DEBOUNCE_MS = 120;

/**
 * Highlighted HTML by language and code, so a block scrolled back into view (remounted by
 * the virtualized list) shows its colours at once instead of highlighting again.
 */
const highlighted = new Map<string, string>();
const HIGHLIGHT_CACHE_SIZE = 300;
const cacheKey = (code: string, language: string | undefined) => `${language ?? ""}\u0000${code}`;

export const CodeBlock = memo(function CodeBlock({
  code,
  language,
}: {
  code: string;
  language: string | undefined;
}) {
  const cached = highlighted.get(cacheKey(code, language));
  const [html, setHtml] = useState<{ code: string; html: string } | null>(
    cached ? { code, html: cached } : null,
  );
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (highlighted.has(cacheKey(code, language))) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      import("./highlighter")
        .then(({ highlight }) => highlight(code, language))
        .then((result) => {
          if (!result) return;
          highlighted.set(cacheKey(code, language), result);
          if (highlighted.size > HIGHLIGHT_CACHE_SIZE) {
            highlighted.delete(highlighted.keys().next().value!);
          }
          if (!cancelled) setHtml({ code, html: result });
        })
        .catch(() => undefined); // Plain text is a fine fallback.
    }, HIGHLIGHT_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [code, language]);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <div className="group/code relative my-4 overflow-hidden rounded-xl border bg-muted/50 text-[0.8125rem] leading-relaxed">
      <div className="flex items-center justify-between border-b bg-muted/60 py-1 pr-1.5 pl-4 font-mono text-xs text-muted-foreground">
        <span>{language || "text"}</span>
        <Button
          variant="ghost"
          size="icon-sm"
          aria-label={copied ? "Copied" : "Copy code"}
          onClick={() => {
            void navigator.clipboard?.writeText(code).then(() => setCopied(true));
          }}
        >
          {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
        </Button>
      </div>
      {html ? (
        // Shiki escapes the code it renders; the HTML never contains raw model output.
        <div
          className="code-highlight overflow-x-auto px-4 py-3 font-mono"
          dangerouslySetInnerHTML={{ __html: html.html }}
        />
      ) : (
        <pre className="overflow-x-auto px-4 py-3 font-mono">
          <code>{code}</code>
        </pre>
      )}
    </div>
  );
});
