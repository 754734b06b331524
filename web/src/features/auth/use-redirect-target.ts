"use client";

import { useSearchParams } from "next/navigation";
import { redirectTarget } from "./redirect-target";

/** Where to go after signing in: the guarded page the proxy bounced us from, if local. */
export function useRedirectTarget(fallback = "/dashboard/chat"): string {
  const next = useSearchParams().get("next");
  // Only read when a form is submitted, in the browser; the server render has no origin.
  if (typeof window === "undefined") return fallback;
  return redirectTarget(next, window.location.origin, fallback);
}
