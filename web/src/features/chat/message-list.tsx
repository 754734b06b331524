"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown, Loader2 } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import type { ChatMessage } from "./live-reply";
import { MessageBubble } from "./message-bubble";
import { TypingIndicator } from "./typing-indicator";

/** Start fetching the previous page this close (px) to the top, before the user hits it. */
const LOAD_OLDER_THRESHOLD_PX = 400;
/** Within this distance (px) of the bottom the list keeps following new content. */
const AT_END_THRESHOLD_PX = 48;

export function MessageList({
  messages,
  typing,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  targetId = null,
}: {
  messages: ChatMessage[];
  typing: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  /** A message to scroll to and mark (opened from search), once it is in `messages`. */
  targetId?: string | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [atEnd, setAtEnd] = useState(true);
  const count = messages.length + (typing ? 1 : 0);

  const getItemKey = useCallback((index: number) => messages[index]?.id ?? "typing", [messages]);

  // Only the rows on screen (plus a few) are in the DOM, so a 1,000-message
  // conversation costs what a 20-message one does. Rows are measured after render;
  // anchorTo "end" keeps the reading position when older pages are prepended, and
  // followOnAppend sticks to the bottom while a reply streams unless the user has
  // scrolled up.
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is a mutable instance by design; we do not use the React Compiler.
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 88,
    overscan: 4,
    getItemKey,
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: AT_END_THRESHOLD_PX,
    paddingStart: 8,
    paddingEnd: 8,
  });

  // Open at the newest message, or at the one asked for.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || count === 0 || targetId) return;
    opened.current = true;
    virtualizer.scrollToEnd();
  }, [count, virtualizer, targetId]);

  const targetIndex = targetId ? messages.findIndex((message) => message.id === targetId) : -1;
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (!targetId || targetIndex < 0 || scrolledTo.current === targetId) return;
    scrolledTo.current = targetId;
    opened.current = true;
    virtualizer.scrollToIndex(targetIndex, { align: "center" });
    // Rows above it are measured as they render and move it: settle once more after that.
    const frame = requestAnimationFrame(() =>
      virtualizer.scrollToIndex(targetIndex, { align: "center" }),
    );
    return () => cancelAnimationFrame(frame);
  }, [targetId, targetIndex, virtualizer]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    setAtEnd(el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_THRESHOLD_PX);
    if (hasOlder && !loadingOlder && el.scrollTop < LOAD_OLDER_THRESHOLD_PX) onLoadOlder();
  };

  const items = virtualizer.getVirtualItems();

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollRef}
        onScroll={onScroll}
        className="h-full overflow-x-hidden overflow-y-auto overscroll-contain [overflow-anchor:none]"
        // A feed, not a log: rows mount and unmount as the list virtualizes, and a live
        // region would announce every one of them. Replies are announced by ChatView.
        role="feed"
        aria-label="Chat history"
        aria-busy={loadingOlder}
      >
        {loadingOlder && (
          <div className="absolute inset-x-0 top-2 z-10 flex justify-center" role="status">
            <Loader2 className="size-4 animate-spin text-muted-foreground" aria-hidden />
            <span className="sr-only">Loading older messages</span>
          </div>
        )}
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const message = messages[item.index];
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={cn(
                  "absolute top-0 left-0 w-full",
                  message && message.id === targetId && "message-found",
                )}
                style={{ transform: `translateY(${item.start}px)` }}
                data-found={message && message.id === targetId ? "true" : undefined}
              >
                {message ? (
                  <MessageBubble
                    message={message}
                    position={item.index + 1}
                    // Unknown while older pages remain unloaded (ARIA: -1).
                    setSize={hasOlder ? -1 : messages.length}
                  />
                ) : (
                  <TypingIndicator />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {!atEnd && (
        <Button
          variant="outline"
          size="icon"
          className="absolute right-4 bottom-3 rounded-full shadow-md"
          aria-label="Scroll to latest message"
          onClick={() => virtualizer.scrollToEnd({ behavior: "smooth" })}
        >
          <ArrowDown aria-hidden />
        </Button>
      )}
    </div>
  );
}
