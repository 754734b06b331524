/**
 * Coalesces reply deltas into one state update per animation frame. The demo provider
 * sends a delta every few milliseconds; re-rendering markdown for each would keep the
 * main thread busy, while one update per frame is all the eye can see anyway.
 */
export interface DeltaBuffer {
  push(assistantMessageId: string, text: string): void;
  /** Apply anything buffered now (before a terminal event, a stop or an error). */
  flush(): void;
  cancel(): void;
}

export function createDeltaBuffer(
  apply: (assistantMessageId: string, text: string) => void,
  schedule: (callback: () => void) => number = (cb) => requestAnimationFrame(cb),
  unschedule: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
): DeltaBuffer {
  let id: string | null = null;
  let text = "";
  let handle: number | null = null;

  const flush = () => {
    if (handle !== null) unschedule(handle);
    handle = null;
    if (id !== null && text) apply(id, text);
    text = "";
  };

  return {
    push(assistantMessageId, piece) {
      if (id !== null && id !== assistantMessageId) flush();
      id = assistantMessageId;
      text += piece;
      handle ??= schedule(flush);
    },
    flush,
    cancel() {
      if (handle !== null) unschedule(handle);
      handle = null;
      text = "";
    },
  };
}
