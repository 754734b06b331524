/**
 * Makes cut-off markdown render as it will once finished. A reply that is still streaming,
 * or was stopped or failed part-way, ends mid-construct: `**To chat with a real` shows its
 * raw stars, an open ``` fence turns the rest into a paragraph until the fence closes, a
 * table header shows as a line of pipes until its delimiter row arrives. Closing (or holding
 * back) the unfinished tail keeps each block the same element from first token to last, so
 * React updates text in place instead of swapping one element for another (the flicker).
 *
 * Only the last block can be unfinished: emphasis, code spans and links never cross a blank
 * line, and fences are tracked over the whole text.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
/** A GFM table row: starts with a pipe, or has a pipe between cells. */
const TABLE_ROW = /^\s*\|/;
/** A delimiter row as far as it has arrived: `| --- | :-` */
const DELIMITER_PREFIX = /^\s*\|?\s*(:?-*:?\s*\|\s*)*:?-*:?\s*$/;
/** A delimiter row in which every cell has at least one dash. */
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Cells of a table row: `| a | b |` and `a | b` both have two. */
const cellCount = (row: string) =>
  row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").length;

interface Fence {
  marker: string;
}

/** The open fence at the end of `lines`, if any (CommonMark: closed by the same character, at
 * least as long, nothing after it). */
function openFence(lines: readonly string[]): Fence | null {
  let open: Fence | null = null;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (!match) continue;
    const run = match[1]!;
    if (!open) {
      // A backtick fence's info string may not contain backticks.
      if (run[0] === "`" && match[2]!.includes("`")) continue;
      open = { marker: run };
    } else if (run[0] === open.marker[0] && run.length >= open.marker.length && !match[2]!.trim()) {
      open = null;
    }
  }
  return open;
}

/** Index of the first line of the last block (after the last blank line or closed fence). */
function lastBlockStart(lines: readonly string[]): number {
  let start = 0;
  let fence: string | null = null;
  lines.forEach((line, i) => {
    const match = FENCE.exec(line);
    if (fence) {
      if (match && match[1]![0] === fence[0] && match[1]!.length >= fence.length) {
        fence = null;
        start = i + 1;
      }
    } else if (match) {
      fence = match[1]!;
      start = i;
    } else if (!line.trim()) {
      start = i + 1;
    }
  });
  return start;
}

/**
 * A table still being written: its header without a finished delimiter row renders as a
 * paragraph of pipes, then turns into a table. Hold it back until the delimiter row is whole.
 */
function holdBackTableHead(block: string[]): string[] {
  const n = block.length;
  const last = block[n - 1] ?? "";
  const previous = block[n - 2];
  // `| a | b |` alone (the header, maybe with a paragraph line before it).
  if (TABLE_ROW.test(last) && (previous === undefined || !TABLE_ROW.test(previous))) {
    return block.slice(0, -1);
  }
  // The header, then part of the delimiter row.
  if (
    previous !== undefined &&
    TABLE_ROW.test(previous) &&
    DELIMITER_PREFIX.test(last) &&
    !(DELIMITER_ROW.test(last) && cellCount(last) >= cellCount(previous)) &&
    (n < 3 || !TABLE_ROW.test(block[n - 3]!))
  ) {
    return block.slice(0, -2);
  }
  return block;
}

/**
 * A line that is only the start of something: a list bullet or setext underline (`-`, `=`,
 * which would turn the paragraph above into a heading for a moment) or the first backticks
 * of a fence.
 */
const BARE_MARKER = /^\s*([-*+]|=+|`{1,2}|~{1,2})\s*$/;

/** Code spans of `text`: the ranges to leave alone, and an unclosed run at the end, if any. */
function codeSpans(text: string): { spans: [number, number][]; open: string | null } {
  const spans: [number, number][] = [];
  const runs = [...text.matchAll(/`+/g)];
  let i = 0;
  while (i < runs.length) {
    const opener = runs[i]!;
    const closerIndex = runs.findIndex((r, j) => j > i && r[0].length === opener[0].length);
    if (closerIndex === -1) {
      return { spans: [...spans, [opener.index, text.length]], open: opener[0] };
    }
    const closer = runs[closerIndex]!;
    spans.push([opener.index, closer.index + closer[0].length]);
    i = closerIndex + 1;
  }
  return { spans, open: null };
}

const inSpan = (spans: [number, number][], at: number) => spans.some(([a, b]) => at >= a && at < b);

/** A dangling link or image at the end (`[text](http://ex`, `[text]`, `[text`): its text. */
function dropDanglingLink(text: string, spans: [number, number][]): string {
  const match = /(!?)\[([^\]\n]*)(\](\([^)\n]*)?)?$/.exec(text);
  if (!match || inSpan(spans, match.index)) return text;
  const [, , label, closing, target] = match;
  // `[text](url)` finished and `[x] ` task boxes are not dangling.
  if (closing && target === undefined && /^[ xX]$/.test(label!)) return text;
  return text.slice(0, match.index) + label;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

/** Open emphasis and strikethrough delimiters, innermost last. */
function openDelimiters(text: string, spans: [number, number][]): string[] {
  const stack: string[] = [];
  const runs = text.matchAll(/\*+|_+|~~/g);
  for (const run of runs) {
    if (inSpan(spans, run.index)) continue;
    const before = text[run.index - 1];
    const after = text[run.index + run[0].length];
    // `snake_case` words are not emphasis.
    if (run[0][0] === "_" && isWordChar(before) && isWordChar(after)) continue;
    // Pieces of one run: `***` is `*` inside `**`, as CommonMark pairs them.
    const pieces =
      run[0] === "~~" ? ["~~"] : run[0].length >= 3 ? [run[0][0]!.repeat(2), run[0][0]!] : [run[0]];
    const canClose = !isSpace(before);
    // A run at the very end is an opener whose text has not arrived yet.
    const canOpen = !isSpace(after) || after === undefined;
    for (const piece of canClose ? [...pieces].reverse() : pieces) {
      if (canClose && stack.at(-1) === piece) stack.pop();
      else if (canOpen) stack.push(piece);
    }
  }
  return stack;
}

/** Closes what the last block left open: links, code spans, emphasis. */
function closeInline(block: string): string {
  let text = dropDanglingLink(block, codeSpans(block).spans);
  const code = codeSpans(text);
  const openers = openDelimiters(text, code.spans);
  if (code.open) return text + code.open;
  if (!openers.length) return text;
  text = text.trimEnd();
  let suffix = "";
  for (const opener of [...openers].reverse()) {
    // An opener with nothing after it yet (`**` at the very end) is dropped, not closed.
    if (text.endsWith(opener)) text = text.slice(0, -opener.length).trimEnd();
    else suffix += opener;
  }
  return text + suffix;
}

/**
 * The markdown to render for text that may stop anywhere. Finished text is returned as is
 * (closing is idempotent: a well-formed reply is never changed).
 */
export function closeMarkdown(source: string): string {
  if (!source) return source;
  const lines = source.split("\n");
  const fence = openFence(lines);
  if (fence) {
    // An unterminated fence is a code block still being written: close it.
    return `${source}${source.endsWith("\n") ? "" : "\n"}${fence.marker}`;
  }
  const start = lastBlockStart(lines);
  const original = lines.slice(start);
  let block = holdBackTableHead(original);
  if (block.length && BARE_MARKER.test(block.at(-1)!)) block = block.slice(0, -1);
  const tail = closeInline(block.join("\n"));
  if (tail === original.join("\n")) return source;
  return [...lines.slice(0, start), tail].join("\n");
}
