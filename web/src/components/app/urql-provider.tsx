"use client";

import { useState } from "react";
import { Provider } from "urql";
import { createUrqlClient, createWebSocketClient } from "@/lib/urql/client";

/**
 * One client per signed-in page tree. Its socket is lazy and closes when no reply
 * streams, and signing out reloads the page, so nothing needs disposing here (which
 * also keeps React's strict-mode double mount harmless).
 */
export function UrqlProvider({ children }: { children: React.ReactNode }) {
  const [client] = useState(() => createUrqlClient(createWebSocketClient()));
  return <Provider value={client}>{children}</Provider>;
}
