"use client";

import { AlertCircle, Loader2, MessageSquare, Search } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import { nextActive } from "./active-option";
import { HighlightedText } from "./highlighted-text";
import { useSearch, type SearchHit } from "./use-search";

const ROLE_LABEL: Record<string, string> = { USER: "You", ASSISTANT: "Assistant" };

/** Where a match was: the title, or a message by you or the assistant. */
function hitSource(hit: SearchHit): string {
  if (!hit.message) return "Title";
  return ROLE_LABEL[hit.message.role] ?? "Message";
}

/**
 * A search field with its results as a listbox (the ARIA combobox pattern): focus stays in
 * the field while the arrows move through results, Enter opens one, Escape clears. Used in
 * the sidebar and in the command palette.
 */
export function SearchBox({
  onChoose,
  autoFocus,
  className,
  resultsClassName,
}: {
  onChoose: (hit: SearchHit) => void;
  autoFocus?: boolean;
  className?: string;
  resultsClassName?: string;
}) {
  const [input, setInput] = useState("");
  const { hits, totalCount, status, hasNextPage, loadingMore, loadMore, retry } = useSearch(input);
  const [active, setActive] = useState(-1);
  const ids = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const optionId = (index: number) => `${ids}-option-${index}`;
  const open = status !== "idle";
  // Results replaced (another query): the first is active again; more pages keep the place.
  const firstKey = hits[0] ? `${hits[0].conversation.id}:${hits[0].message?.id}` : "";
  const [seenFirst, setSeenFirst] = useState(firstKey);
  if (seenFirst !== firstKey) {
    setSeenFirst(firstKey);
    setActive(hits.length > 0 ? 0 : -1);
  }
  const current = active < hits.length ? active : -1;

  useEffect(() => {
    if (current < 0) return;
    document.getElementById(optionId(current))?.scrollIntoView?.({ block: "nearest" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- optionId only depends on ids
  }, [current, ids]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "Enter") {
      const hit = hits[current];
      if (hit) {
        event.preventDefault();
        onChoose(hit);
      }
      return;
    }
    if (event.key === "Escape" && input) {
      // Clears first; a second Escape closes the palette (it lets a filled field be).
      event.preventDefault();
      setInput("");
      return;
    }
    // Home/End keep their text-editing meaning unless the list is open.
    if ((event.key === "Home" || event.key === "End") && !open) return;
    const next = nextActive(event.key, current, hits.length);
    if (next !== null) {
      event.preventDefault();
      setActive(next);
    }
  };

  return (
    <div className={cn("grid gap-2", className)}>
      <div className="relative">
        <Search
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          type="search"
          role="combobox"
          aria-label="Search conversations"
          aria-expanded={open}
          aria-controls={`${ids}-results`}
          aria-autocomplete="list"
          aria-activedescendant={current >= 0 ? optionId(current) : undefined}
          placeholder="Search conversations"
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={input}
          onChange={(event) => setInput(event.target.value)}
          onKeyDown={onKeyDown}
          className="pl-8"
        />
      </div>
      {open && (
        <div className={cn("grid min-h-0 gap-1", resultsClassName)}>
          <p className="px-1 text-xs text-muted-foreground" role="status">
            {status === "loading" && (
              <span className="inline-flex items-center gap-1.5">
                <Loader2 className="size-3 animate-spin" aria-hidden />
                Searching…
              </span>
            )}
            {status === "ready" &&
              (totalCount === 0
                ? "No matches."
                : `${totalCount} ${totalCount === 1 ? "match" : "matches"}`)}
          </p>
          {status === "error" && (
            <div className="flex items-center gap-2 px-1 text-sm text-destructive">
              <AlertCircle className="size-4" aria-hidden />
              <span>Search failed.</span>
              <Button variant="link" size="sm" className="h-auto px-0" onClick={retry}>
                Retry
              </Button>
            </div>
          )}
          <ul
            ref={listRef}
            id={`${ids}-results`}
            role="listbox"
            aria-label="Search results"
            className="min-h-0 overflow-y-auto"
            hidden={hits.length === 0}
          >
            {hits.map((hit, index) => (
              <li
                key={`${hit.conversation.id}:${hit.message?.id ?? "title"}:${index}`}
                id={optionId(index)}
                role="option"
                aria-selected={index === current}
                // Focus stays in the field; a click must not take it away first.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => index !== current && setActive(index)}
                onClick={() => onChoose(hit)}
                className={cn(
                  "grid cursor-pointer gap-0.5 rounded-md px-2 py-1.5 text-sm",
                  index === current && "bg-accent text-accent-foreground",
                )}
              >
                <span className="flex min-w-0 items-center gap-1.5 font-medium">
                  <MessageSquare className="size-3.5 shrink-0 opacity-60" aria-hidden />
                  <span className="truncate">{hit.conversation.title}</span>
                </span>
                <span className="line-clamp-2 text-xs text-muted-foreground">
                  <span className="font-medium">{hitSource(hit)}: </span>
                  <HighlightedText text={hit.snippet} ranges={hit.highlights} />
                </span>
              </li>
            ))}
          </ul>
          {hasNextPage && (
            <Button
              variant="ghost"
              size="sm"
              onClick={loadMore}
              disabled={loadingMore}
              className="justify-self-start"
            >
              {loadingMore && <Loader2 className="animate-spin" aria-hidden />}
              Load more results
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
