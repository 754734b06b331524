import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RefusalNotice } from "./refusal-notice";

describe("RefusalNotice", () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it("counts down live and says so at zero", () => {
    vi.useFakeTimers();
    const start = Date.parse("2026-11-29T04:00:00Z");
    vi.setSystemTime(start);
    const onExpired = vi.fn();
    const refusal = {
      code: "RATE_LIMITED",
      message: "x",
      until: start + 3_000,
      runningMessageId: null,
    };
    render(<RefusalNotice refusal={refusal} onExpired={onExpired} />);
    const notice = screen.getByRole("status", { name: "Message not sent" });
    expect(notice).toHaveTextContent("You can send again in 3 s.");

    act(() => vi.advanceTimersByTime(1_100));
    expect(notice).toHaveTextContent("You can send again in 2 s.");
    expect(onExpired).not.toHaveBeenCalled();

    act(() => vi.advanceTimersByTime(2_000));
    expect(onExpired).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(2_000));
    expect(onExpired).toHaveBeenCalledTimes(1);
  });
});
