"use client";

import { Search } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import { SearchBox } from "./search-box";
import { hitHref } from "./use-search";

/** Ctrl+K (⌘K on a Mac) anywhere in the app: the shortcut command palettes share. */
export function isPaletteShortcut(event: KeyboardEvent): boolean {
  return (
    (event.ctrlKey || event.metaKey) &&
    !event.altKey &&
    !event.shiftKey &&
    event.key.toLowerCase() === "k"
  );
}

/**
 * The command palette: search every conversation from anywhere, open a result with the
 * keyboard. Opened by Ctrl/⌘+K or by its header button; a new search each time it opens.
 */
export function SearchPalette() {
  const [open, setOpen] = useState(false);
  const router = useRouter();

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      // The browser's own Ctrl+K (focus its search bar) would take focus out of the page.
      event.preventDefault();
      setOpen((was) => !was);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        className="px-2 sm:px-3"
        onClick={() => setOpen(true)}
        aria-label="Search"
        aria-keyshortcuts="Control+K Meta+K"
      >
        <Search aria-hidden />
        <kbd className="pointer-events-none hidden rounded border bg-muted px-1.5 font-mono text-[10px] text-muted-foreground sm:inline">
          Ctrl K
        </kbd>
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent
          className="top-[15%] translate-y-0 gap-3 p-4 sm:max-w-xl"
          // Escape in a filled field clears it (SearchBox); only an empty one closes.
          onEscapeKeyDown={(event) => {
            const target = event.target;
            if (target instanceof HTMLInputElement && target.value) event.preventDefault();
          }}
        >
          <DialogTitle className="text-base">Search</DialogTitle>
          <DialogDescription className="sr-only">
            Type to search your conversations; arrow keys choose a result, Enter opens it.
          </DialogDescription>
          <SearchBox
            autoFocus
            resultsClassName="max-h-[60dvh]"
            onChoose={(hit) => {
              setOpen(false);
              router.push(hitHref(hit));
            }}
          />
        </DialogContent>
      </Dialog>
    </>
  );
}
