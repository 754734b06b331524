import { describe, expect, it } from "vitest";
import { dateGroup, groupByDate, msUntilNextDay } from "./date-groups";

// Local times, so the tests hold in any time zone.
const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min);
const now = at(2026, 3, 10, 9, 30);

describe("dateGroup", () => {
  it("puts anything since local midnight in Today", () => {
    expect(dateGroup(at(2026, 3, 10, 0, 0), now)).toBe("Today");
    expect(dateGroup(at(2026, 3, 10, 9, 29), now)).toBe("Today");
  });

  it("counts a clock ahead of ours as today", () => {
    expect(dateGroup(at(2026, 3, 10, 23, 0), now)).toBe("Today");
  });

  it("splits at midnight, not at 24 hours ago", () => {
    // 10 hours ago, but yesterday.
    expect(dateGroup(at(2026, 3, 9, 23, 59), now)).toBe("Yesterday");
    expect(dateGroup(at(2026, 3, 9, 0, 0), now)).toBe("Yesterday");
    expect(dateGroup(at(2026, 3, 8, 23, 59), now)).toBe("Previous 7 days");
  });

  it("keeps the 7 days before today in Previous 7 days, older ones in Older", () => {
    expect(dateGroup(at(2026, 3, 3, 0, 0), now)).toBe("Previous 7 days");
    expect(dateGroup(at(2026, 3, 2, 23, 59), now)).toBe("Older");
    expect(dateGroup(at(2025, 12, 31), now)).toBe("Older");
  });

  it("crosses month and year boundaries", () => {
    const newYear = at(2026, 1, 1, 8);
    expect(dateGroup(at(2025, 12, 31, 22), newYear)).toBe("Yesterday");
    expect(dateGroup(at(2025, 12, 26), newYear)).toBe("Previous 7 days");
    expect(dateGroup(at(2025, 12, 24), newYear)).toBe("Older");
  });

  it("reads ISO strings from the API and files unreadable ones under Older", () => {
    expect(dateGroup(at(2026, 3, 10, 8).toISOString(), now)).toBe("Today");
    expect(dateGroup("not a date", now)).toBe("Older");
  });
});

describe("groupByDate", () => {
  it("keeps the list's order within sections and leaves out empty ones", () => {
    const items = [
      { id: "a", updatedAt: at(2026, 3, 10, 9).toISOString() },
      { id: "b", updatedAt: at(2026, 3, 10, 1).toISOString() },
      { id: "c", updatedAt: at(2026, 3, 5).toISOString() },
      { id: "d", updatedAt: at(2025, 1, 1).toISOString() },
    ];
    const groups = groupByDate(items, now);
    expect(groups.map((g) => [g.label, g.items.map((i) => i.id)])).toEqual([
      ["Today", ["a", "b"]],
      ["Previous 7 days", ["c"]],
      ["Older", ["d"]],
    ]);
  });

  it("returns no sections for no conversations", () => {
    expect(groupByDate([], now)).toEqual([]);
  });
});

describe("msUntilNextDay", () => {
  it("is the time left until local midnight", () => {
    expect(msUntilNextDay(at(2026, 3, 10, 23, 0))).toBe(60 * 60 * 1000);
  });
});
