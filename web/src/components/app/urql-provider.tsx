"use client";

import { useState } from "react";
import { Provider } from "urql";
import { useAuthStore } from "@/lib/auth/store";
import { createUrqlClient } from "@/lib/urql/client";

/**
 * One client, and so one cache, for the whole app (the root layout holds it). Its socket is
 * made on first use and closes when no reply streams, and signing out reloads the page, so
 * nothing needs disposing here (which also keeps React's strict-mode double mount harmless).
 */
export function UrqlProvider({ children }: { children: React.ReactNode }) {
  const userId = useAuthStore((s) => s.user?.id ?? null);
  const [current, setCurrent] = useState(() => ({ owner: userId, client: createUrqlClient() }));
  // The cache holds its user's conversations: when that user goes (session ended, someone
  // else signs in on this tab) start from an empty one. Before anyone signs in it holds
  // only public data (inputLimits), which a new session may keep.
  if (current.owner !== userId) {
    const client = current.owner === null ? current.client : createUrqlClient();
    setCurrent({ owner: userId, client });
  }
  return <Provider value={current.client}>{children}</Provider>;
}
