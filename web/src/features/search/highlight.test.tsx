import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { highlightSegments } from "./highlight";
import { HighlightedText } from "./highlighted-text";

/** The snippet as "plain[marked]plain", to read expectations at a glance. */
const show = (text: string, ranges: { start: number; end: number }[]) =>
  highlightSegments(text, ranges)
    .map((s) => (s.marked ? `[${s.text}]` : s.text))
    .join("");

describe("highlightSegments", () => {
  it("marks ranges at the start, in the middle and at the end", () => {
    expect(
      show("alpha beta gamma", [
        { start: 0, end: 5 },
        { start: 6, end: 10 },
        { start: 11, end: 16 },
      ]),
    ).toBe("[alpha] [beta] [gamma]");
  });

  it("leaves text without ranges whole", () => {
    expect(highlightSegments("no match here", [])).toEqual([
      { text: "no match here", marked: false },
    ]);
  });

  it("merges overlapping and touching ranges, in any order", () => {
    expect(
      show("abcdefghij", [
        { start: 6, end: 8 },
        { start: 1, end: 4 },
        { start: 3, end: 5 },
        { start: 8, end: 9 },
      ]),
    ).toBe("a[bcde]f[ghi]j");
  });

  it("clamps ranges that run out of the text and drops empty or inverted ones", () => {
    expect(
      show("hello", [
        { start: -3, end: 2 },
        { start: 4, end: 99 },
        { start: 3, end: 3 },
        { start: 5, end: 1 },
        { start: 40, end: 50 },
      ]),
    ).toBe("[he]ll[o]");
  });

  it("counts UTF-16 units as the API does: emoji count two, accents one", () => {
    // "café 🎉 party": é is one unit, 🎉 two, so "party" starts at 8.
    expect(show("café 🎉 party", [{ start: 8, end: 13 }])).toBe("café 🎉 [party]");
    expect(show("🎉🎉 naïve", [{ start: 5, end: 10 }])).toBe("🎉🎉 [naïve]");
    expect(show("日本語のテキスト", [{ start: 0, end: 3 }])).toBe("[日本語]のテキスト");
  });

  it("never cuts an emoji in two: a range ending or starting inside one takes it whole", () => {
    expect(show("a🎉b", [{ start: 0, end: 2 }])).toBe("[a🎉]b");
    expect(show("a🎉b", [{ start: 2, end: 4 }])).toBe("a[🎉b]");
  });
});

describe("HighlightedText", () => {
  it("renders matches in <mark> and markup as text, never as HTML", () => {
    const { container } = render(
      <HighlightedText
        text={'<img src=x onerror="alert(1)"> found it'}
        ranges={[{ start: 31, end: 36 }]}
      />,
    );
    const marks = container.querySelectorAll("mark");
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent("found");
    expect(container.querySelector("img")).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror="alert(1)"> found it');
  });
});
