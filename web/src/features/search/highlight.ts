/** A [start, end) range of characters, as the API sends them. */
export interface TextRange {
  start: number;
  end: number;
}

export interface Segment {
  text: string;
  marked: boolean;
}

/**
 * Splits a snippet into plain and marked pieces. The API counts characters as Python does
 * (code points), while JavaScript strings index UTF-16 units: an emoji before a match would
 * shift every range by one, so the text is split into code points first. Ranges are
 * clamped to the text, empty ones dropped, overlapping or touching ones merged, so whatever
 * the API sends the snippet is shown whole and each character once.
 */
export function highlightSegments(text: string, ranges: readonly TextRange[]): Segment[] {
  const chars = Array.from(text);
  const length = chars.length;
  const clamped = ranges
    .map(({ start, end }) => ({
      start: Math.max(0, Math.min(length, Math.trunc(start))),
      end: Math.max(0, Math.min(length, Math.trunc(end))),
    }))
    .filter(({ start, end }) => end > start)
    .sort((a, b) => a.start - b.start);

  const merged: TextRange[] = [];
  for (const range of clamped) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }

  const segments: Segment[] = [];
  let at = 0;
  for (const { start, end } of merged) {
    if (start > at) segments.push({ text: chars.slice(at, start).join(""), marked: false });
    segments.push({ text: chars.slice(start, end).join(""), marked: true });
    at = end;
  }
  if (at < length) segments.push({ text: chars.slice(at).join(""), marked: false });
  return segments;
}
