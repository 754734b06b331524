"use client";

import { useEffect, useState } from "react";

/**
 * Whole seconds until `until` (epoch ms), ticking live; null without a deadline. `onZero`
 * runs once when the count reaches 0, so whatever waited on it (sending) comes back then.
 */
export function useCountdown(until: number | null, onZero: () => void): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    let done = false;
    // Read from the clock at each tick (timers drift and pause in background tabs).
    const tick = () => {
      const at = Date.now();
      setNow(at);
      if (at >= until && !done) {
        done = true;
        clearInterval(timer);
        onZero();
      }
    };
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 250);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [until, onZero]);
  if (until === null) return null;
  return Math.max(0, Math.ceil((until - now) / 1000));
}
