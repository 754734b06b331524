"use client";

import { Loader2 } from "lucide-react";
import { useParams } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { SidebarSearch } from "@/features/search/sidebar-search";
import { ConversationItem } from "./conversation-item";
import { groupByDate, msUntilNextDay } from "./date-groups";
import { useConversationList } from "./use-conversation-list";

export function ConversationSidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { items, loaded, hasNextPage, status, loadMore } = useConversationList();
  const params = useParams<{ id?: string }>();
  const sentinel = useRef<HTMLLIElement>(null);
  const ids = useId();
  // The sections move on at midnight: "Today" becomes "Yesterday" without a reload.
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setTimeout(() => setNow(new Date()), msUntilNextDay(now));
    return () => clearTimeout(timer);
  }, [now]);
  const groups = useMemo(() => groupByDate(items, now), [items, now]);

  // Load the next page when the end of the list scrolls into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage || status !== "idle") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadMore();
      },
      { rootMargin: "200px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, status, loadMore, items.length]);

  return (
    <>
      <SidebarSearch onNavigate={onNavigate} />
      <nav aria-label="Conversations" className="flex min-h-0 flex-1 flex-col">
        <h2 className="px-4 pt-4 pb-2 text-xs font-medium tracking-wide text-muted-foreground uppercase">
          Conversations
        </h2>
        <ul className="min-h-0 flex-1 overflow-y-auto px-2 pb-4">
          {!loaded &&
            Array.from({ length: 6 }, (_, i) => (
              <li key={i} className="px-2 py-2">
                <Skeleton className="h-4 w-full" />
              </li>
            ))}
          {loaded && items.length === 0 && (
            <li className="px-2 py-2 text-sm text-muted-foreground">No conversations yet.</li>
          )}
          {groups.map((group) => (
            // Each day's section is named by its heading (getByRole("listitem", { name })).
            <li
              key={group.label}
              aria-labelledby={`${ids}-${group.label.replace(/ /g, "-")}`}
              className="pb-2"
            >
              <h3
                id={`${ids}-${group.label.replace(/ /g, "-")}`}
                className="px-2 pt-2 pb-1 text-xs font-medium text-muted-foreground"
              >
                {group.label}
              </h3>
              <ul>
                {group.items.map((item) => (
                  <ConversationItem
                    key={item.id}
                    conversation={item}
                    active={item.id === params.id}
                    running={item.lastMessage?.status === "STREAMING"}
                    onNavigate={onNavigate}
                  />
                ))}
              </ul>
            </li>
          ))}
          {status === "error" && (
            <li className="px-2 py-2 text-sm">
              <Button variant="link" size="sm" className="px-0" onClick={loadMore}>
                Could not load conversations. Retry
              </Button>
            </li>
          )}
          {loaded && hasNextPage && status !== "error" && (
            <li ref={sentinel} className="flex justify-center py-2" role="status">
              {status === "loading" && (
                <>
                  <Loader2 className="size-4 animate-spin text-muted-foreground" aria-hidden />
                  <span className="sr-only">Loading more conversations</span>
                </>
              )}
            </li>
          )}
        </ul>
      </nav>
    </>
  );
}
