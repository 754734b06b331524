import { describe, expect, it } from "vitest";
import { blocksSending, formatWait, refusalText, secondsLeft, sendRefusal } from "./send-refusal";

const NOW = Date.parse("2026-11-29T04:00:00Z");

describe("sendRefusal", () => {
  it("RATE_LIMITED counts down from extensions.retryAfter", () => {
    const refusal = sendRefusal(
      { code: "RATE_LIMITED", message: "Too many", extensions: { retryAfter: 42 } },
      NOW,
    );
    expect(refusal).toMatchObject({ code: "RATE_LIMITED", until: NOW + 42_000 });
    expect(secondsLeft(refusal!, NOW + 1_500)).toBe(41);
    expect(refusalText(refusal!, 41)).toBe("You are sending too fast. You can send again in 41 s.");
    expect(blocksSending(refusal, NOW + 41_999)).toBe(true);
    expect(blocksSending(refusal, NOW + 42_000)).toBe(false);
  });

  it("QUOTA_EXCEEDED counts down to extensions.resetsAt", () => {
    const refusal = sendRefusal(
      {
        code: "QUOTA_EXCEEDED",
        message: "Budget spent",
        extensions: { resetsAt: "2026-11-29T06:05:30Z" },
      },
      NOW,
    );
    expect(refusal?.until).toBe(Date.parse("2026-11-29T06:05:30Z"));
    const seconds = secondsLeft(refusal!, NOW)!;
    expect(seconds).toBe(2 * 3600 + 5 * 60 + 30);
    expect(refusalText(refusal!, seconds)).toBe(
      "Your usage budget for this period is spent. You can send again in 2 h 05 min.",
    );
    expect(blocksSending(refusal, NOW)).toBe(true);
  });

  it("a QUOTA_EXCEEDED without a readable date still refuses, with no countdown", () => {
    const refusal = sendRefusal(
      { code: "QUOTA_EXCEEDED", message: "Budget spent", extensions: { resetsAt: "soon" } },
      NOW,
    );
    expect(refusal?.until).toBeNull();
    expect(secondsLeft(refusal!, NOW)).toBeNull();
    expect(refusalText(refusal!, null)).toBe("Your usage budget for this period is spent.");
    expect(blocksSending(refusal, NOW)).toBe(false);
  });

  it("CONFLICT names the running reply and waits for it, not for a clock", () => {
    const refusal = sendRefusal(
      { code: "CONFLICT", message: "running", extensions: { runningMessageId: "a9" } },
      NOW,
    );
    expect(refusal).toMatchObject({ code: "CONFLICT", until: null, runningMessageId: "a9" });
    expect(blocksSending(refusal, NOW)).toBe(false);
    expect(refusalText(refusal!, null)).toMatch(/already running/);
  });

  it("failures that Retry handles are not refusals", () => {
    for (const code of ["NETWORK_ERROR", "UNAVAILABLE", "PROVIDER_ERROR", "INTERNAL_SERVER_ERROR"])
      expect(sendRefusal({ code, message: "x" }, NOW)).toBeNull();
  });
});

describe("formatWait", () => {
  it("is precise while short", () => {
    expect(formatWait(0)).toBe("0 s");
    expect(formatWait(59)).toBe("59 s");
    expect(formatWait(65)).toBe("1 min 05 s");
    expect(formatWait(3 * 86400 + 4 * 3600 + 59)).toBe("3 d 4 h");
  });
});
