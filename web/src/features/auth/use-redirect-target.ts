"use client";

import { useSearchParams } from "next/navigation";

/** Where to go after signing in: the guarded page the proxy bounced us from, if local. */
export function useRedirectTarget(fallback = "/dashboard/chat"): string {
  const next = useSearchParams().get("next");
  // Only same-origin paths: an open redirect would let links bounce users elsewhere.
  return next && next.startsWith("/") && !next.startsWith("//") ? next : fallback;
}
