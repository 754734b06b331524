"use client";

import { useEffect, useRef, useState } from "react";
import type { LoadStatus } from "./use-conversation";

export type TargetState = "none" | "seeking" | "found" | "missing";

/**
 * Brings a message (a search result) into the loaded list: a conversation opens at its newest
 * page, so older pages are loaded until the message is among them. A conversation shows one
 * branch; when the whole branch is loaded without it, the message is on another version of a
 * turn, and `showBranch` makes the branch through it current (as choosing that version
 * would), after which paging starts again from the newest. Missing: the branch could not be
 * shown (the message is gone) or it still is not there.
 */
export function useMessageTarget({
  targetId,
  messageIds,
  status,
  fetching,
  hasOlder,
  loadOlder,
  showBranch,
}: {
  targetId: string | null;
  messageIds: readonly string[];
  status: LoadStatus;
  fetching: boolean;
  hasOlder: boolean;
  loadOlder: () => void;
  showBranch: (messageId: string) => Promise<boolean>;
}): TargetState {
  // Per target: whether its branch was asked for, how that went, and (the list is fetched
  // again after a switch) whether that fetch has started, so a stale list decides nothing.
  const [branch, setBranch] = useState<{
    target: string;
    state: "shown" | "failed";
    refetched: boolean;
  } | null>(null);
  const mine = branch?.target === targetId ? branch : null;
  const branchFor = mine?.state ?? null;
  if (mine && mine.state === "shown" && fetching && !mine.refetched) {
    setBranch({ ...mine, refetched: true });
  }

  // The target whose branch was asked for (once per target).
  const asked = useRef<string | null>(null);

  const found = targetId !== null && messageIds.includes(targetId);
  const settled = status === "ready" && !fetching;

  useEffect(() => {
    if (!targetId || found || !settled) return;
    if (hasOlder) {
      loadOlder();
      return;
    }
    if (asked.current === targetId) return;
    asked.current = targetId;
    void showBranch(targetId).then((ok) =>
      setBranch({ target: targetId, state: ok ? "shown" : "failed", refetched: false }),
    );
  }, [targetId, found, settled, hasOlder, loadOlder, showBranch]);

  if (!targetId) return "none";
  if (found) return "found";
  if (branchFor === "failed") return "missing";
  if (branchFor === "shown" && mine?.refetched && settled && !hasOlder) {
    return "missing";
  }
  return "seeking";
}
