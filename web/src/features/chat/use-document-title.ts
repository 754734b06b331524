"use client";

import { useEffect } from "react";

/**
 * The browser tab names the open conversation ("Trip to Lisbon · Parley"). Its page is
 * rendered before the title is known (the conversation loads on the client), so the title
 * is set here once it is; leaving puts back what the page's metadata said.
 */
export function useDocumentTitle(title: string | null | undefined) {
  useEffect(() => {
    if (!title) return;
    const previous = document.title;
    document.title = `${title} · Parley`;
    return () => {
      document.title = previous;
    };
  }, [title]);
}
