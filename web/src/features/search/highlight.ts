/** A [start, end) range of a string in UTF-16 code units, as the API sends them. */
export interface TextRange {
  start: number;
  end: number;
}

export interface Segment {
  text: string;
  marked: boolean;
}

/** Whether the UTF-16 unit at `index` is the second half of a surrogate pair (an emoji's). */
function isLowSurrogateAt(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  const before = text.charCodeAt(index - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
}

/** An offset moved off the middle of a surrogate pair (by `step`: -1 back, +1 on). */
function onBoundary(text: string, index: number, step: -1 | 1): number {
  return index > 0 && index < text.length && isLowSurrogateAt(text, index) ? index + step : index;
}

/**
 * Splits a snippet into plain and marked pieces. The API gives ranges in UTF-16 code units,
 * as JavaScript indexes strings (an emoji counts 2). Ranges are clamped to the text, widened
 * off the middle of an emoji, empty ones dropped, overlapping or touching ones merged: so
 * whatever arrives, the snippet is shown whole, each character once, no emoji cut in two.
 */
export function highlightSegments(text: string, ranges: readonly TextRange[]): Segment[] {
  const length = text.length;
  const clamp = (value: number) => Math.max(0, Math.min(length, Math.trunc(value)));
  const clamped = ranges
    .map(({ start, end }) => ({
      start: onBoundary(text, clamp(start), -1),
      end: onBoundary(text, clamp(end), 1),
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
    if (start > at) segments.push({ text: text.slice(at, start), marked: false });
    segments.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < length) segments.push({ text: text.slice(at), marked: false });
  return segments;
}
