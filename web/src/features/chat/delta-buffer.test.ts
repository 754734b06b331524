import { describe, expect, it, vi } from "vitest";
import { createDeltaBuffer } from "./delta-buffer";

function manualScheduler() {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    schedule: (cb: () => void) => {
      queue.set(next, cb);
      return next++;
    },
    unschedule: (handle: number) => void queue.delete(handle),
    runFrame: () => {
      const callbacks = [...queue.values()];
      queue.clear();
      callbacks.forEach((cb) => cb());
    },
    pending: () => queue.size,
  };
}

/** A buffer on a scheduler the test runs by hand, and the spy it applies text to. */
function bufferedByHand() {
  const frames = manualScheduler();
  const apply = vi.fn();
  return { frames, apply, buffer: createDeltaBuffer(apply, frames.schedule, frames.unschedule) };
}

describe("createDeltaBuffer", () => {
  it("coalesces the deltas of one frame into one update", () => {
    const { frames, apply, buffer } = bufferedByHand();
    buffer.push("a1", "Hel");
    buffer.push("a1", "lo");
    expect(apply).not.toHaveBeenCalled();
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(apply).toHaveBeenCalledExactlyOnceWith("a1", "Hello");
  });

  it("flush applies at once and cancels the scheduled frame", () => {
    const { frames, apply, buffer } = bufferedByHand();
    buffer.push("a1", "x");
    buffer.flush();
    expect(apply).toHaveBeenCalledExactlyOnceWith("a1", "x");
    expect(frames.pending()).toBe(0);
    buffer.flush();
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it("cancel drops buffered text", () => {
    const { frames, apply, buffer } = bufferedByHand();
    buffer.push("a1", "x");
    buffer.cancel();
    frames.runFrame();
    expect(apply).not.toHaveBeenCalled();
  });
});
