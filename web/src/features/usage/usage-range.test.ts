import { describe, expect, it } from "vitest";
import { everyDay, formatNumber, shortDay, usageRange } from "./usage-range";

describe("usageRange", () => {
  it("covers whole UTC days up to and including today", () => {
    expect(usageRange(7, new Date("2026-03-10T23:30:00-05:00"))).toEqual({
      // 23:30 in New York is already the 11th in UTC.
      from: "2026-03-05T00:00:00.000Z",
      to: "2026-03-12T00:00:00.000Z",
    });
    expect(usageRange(1, new Date("2026-03-10T00:00:00Z"))).toEqual({
      from: "2026-03-10T00:00:00.000Z",
      to: "2026-03-11T00:00:00.000Z",
    });
  });
});

describe("everyDay", () => {
  it("fills the days without usage with zero, oldest first", () => {
    const { from, to } = usageRange(4, new Date("2026-02-28T12:00:00Z"));
    expect(
      everyDay(
        [
          { day: "2026-02-26", totalTokens: 5 },
          { day: "2026-02-28", totalTokens: 7 },
        ],
        from,
        to,
      ),
    ).toEqual([
      { day: "2026-02-25", totalTokens: 0 },
      { day: "2026-02-26", totalTokens: 5 },
      { day: "2026-02-27", totalTokens: 0 },
      { day: "2026-02-28", totalTokens: 7 },
    ]);
  });
});

describe("formatting", () => {
  it("groups thousands and names UTC days", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(shortDay("2026-01-01")).toBe("Jan 1");
  });
});
