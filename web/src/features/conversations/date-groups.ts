/** The sidebar's sections, newest first. */
export const DATE_GROUPS = ["Today", "Yesterday", "Previous 7 days", "Older"] as const;
export type DateGroup = (typeof DATE_GROUPS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight (local time) of the day `date` falls on. */
function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * Which section a conversation last updated at `updatedAt` belongs to, seen at `now`, by
 * calendar days in the viewer's time zone: today, yesterday, the 7 days before yesterday,
 * anything earlier. A time in the future (a clock ahead of this one) counts as today; an
 * unreadable one as older.
 */
export function dateGroup(updatedAt: string | Date, now: Date): DateGroup {
  const time = typeof updatedAt === "string" ? Date.parse(updatedAt) : updatedAt.getTime();
  if (Number.isNaN(time)) return "Older";
  const today = startOfDay(now);
  if (time >= today) return "Today";
  // Days are not always 24 hours long (daylight saving): compare calendar days.
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1).getTime();
  if (time >= yesterday) return "Yesterday";
  const weekAgo = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7).getTime();
  if (time >= weekAgo) return "Previous 7 days";
  return "Older";
}

/**
 * `items` (ordered newest first, as the sidebar's pages are) in their sections, keeping their
 * order; empty sections are left out.
 */
export function groupByDate<T extends { updatedAt: string }>(
  items: readonly T[],
  now: Date,
): { label: DateGroup; items: T[] }[] {
  const groups = new Map<DateGroup, T[]>();
  for (const item of items) {
    const label = dateGroup(item.updatedAt, now);
    const group = groups.get(label);
    if (group) group.push(item);
    else groups.set(label, [item]);
  }
  return DATE_GROUPS.filter((label) => groups.has(label)).map((label) => ({
    label,
    items: groups.get(label) ?? [],
  }));
}

/** How long until the sections change (the next local midnight), for a re-render then. */
export function msUntilNextDay(now: Date): number {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
  return Math.max(1000, Math.min(next - now.getTime(), DAY_MS));
}
