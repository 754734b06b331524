"use client";

import { useSyncExternalStore } from "react";

/** Tailwind's `md` breakpoint: GraphiQL's panes need at least this much width. */
const WIDE = "(min-width: 768px)";

const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(WIDE);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
};

/** True on a screen wide enough for the explorer; null before the page runs in a browser. */
export function useWideScreen(): boolean | null {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(WIDE).matches,
    () => null,
  );
}
