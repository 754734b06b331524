/** The periods the usage page offers, in days ending today (UTC). */
export const RANGE_DAYS = [7, 30, 90] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** "YYYY-MM-DD" of a moment's UTC day, as the API names days. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The last `days` UTC days up to and including today's: from the start of the first to the
 * start of tomorrow. Whole days, so the variables (and the cache entry) stay the same all day.
 */
export function usageRange(days: number, now: Date): { from: string; to: string } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    from: new Date(today - (days - 1) * DAY_MS).toISOString(),
    to: new Date(today + DAY_MS).toISOString(),
  };
}

/**
 * One entry per day of the range, oldest first: the API lists only days with usage, and a
 * chart with gaps left out would put Monday next to Thursday.
 */
export function everyDay(
  byDay: readonly { day: string; totalTokens: number }[],
  from: string,
  to: string,
): { day: string; totalTokens: number }[] {
  const tokens = new Map(byDay.map((entry) => [entry.day, entry.totalTokens]));
  const days: { day: string; totalTokens: number }[] = [];
  for (let at = Date.parse(from); at < Date.parse(to); at += DAY_MS) {
    const day = utcDay(new Date(at));
    days.push({ day, totalTokens: tokens.get(day) ?? 0 });
  }
  return days;
}

const NUMBER = new Intl.NumberFormat("en-US");
/** 12,345: the same grouping everywhere on the page (and in tests). */
export const formatNumber = (value: number) => NUMBER.format(value);

/** "Mar 5" for a "YYYY-MM-DD" day, read as UTC (never shifted to the local day). */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}
