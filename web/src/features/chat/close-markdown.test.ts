import { describe, expect, it } from "vitest";
import { closeMarkdown } from "./close-markdown";

describe("closeMarkdown", () => {
  it.each([
    // The demo reply stopped mid-sentence (issue 13).
    ["**To chat with a real", "**To chat with a real**"],
    ["## Hello\n\n**To chat with a real", "## Hello\n\n**To chat with a real**"],
    ["some *italic", "some *italic*"],
    ["some _italic", "some _italic_"],
    ["~~gone", "~~gone~~"],
    ["**bold and *both", "**bold and *both***"],
    ["***both", "***both***"],
    ["**bold with a space ", "**bold with a space**"],
    ["text then **", "text then"],
    ["run `npm i", "run `npm i`"],
    ["run ``a ` b", "run ``a ` b``"],
    // Markers inside code are not emphasis.
    ["use `**` for bold and `snake_case", "use `**` for bold and `snake_case`"],
    ["a snake_case name", "a snake_case name"],
    ["- item one\n- **item", "- item one\n- **item**"],
    ["> quoted **word", "> quoted **word**"],
    // Earlier paragraphs are final: only the last block is closed.
    ["a **b\n\nc *d", "a **b\n\nc *d*"],
    // An open fence is a code block being written.
    ["Code:\n\n```python\nprint('hi')", "Code:\n\n```python\nprint('hi')\n```"],
    ["Code:\n\n```python\n", "Code:\n\n```python\n```"],
    ["~~~\nx", "~~~\nx\n~~~"],
    ["````md\n```\ninner", "````md\n```\ninner\n````"],
    // Markers inside a code block are left alone.
    ["```\n**not bold", "```\n**not bold\n```"],
    ["```\ncode\n```\n\n**after", "```\ncode\n```\n\n**after**"],
    // The first backticks of a fence are held back.
    ["Code:\n\n``", "Code:\n\n"],
    // Tables: the header waits for its delimiter row.
    ["Here:\n\n| a | b |", "Here:\n\n"],
    ["Here:\n\n| a | b |\n| --", "Here:\n\n"],
    ["| a | b |\n| --- | --- |", "| a | b |\n| --- | --- |"],
    ["| a | b |\n| --- | --- |\n| 1 | **t", "| a | b |\n| --- | --- |\n| 1 | **t**"],
    ["| a | b |\n| --- | --- |\n| 1 | `x", "| a | b |\n| --- | --- |\n| 1 | `x`"],
    // Links: only their text until the target is complete.
    ["see [the docs](https://exa", "see the docs"],
    ["see [the docs]", "see the docs"],
    ["see [the do", "see the do"],
    ["see [**the do", "see **the do**"],
    ["![chart](/files/ch", "chart"],
    // A bare bullet or setext underline would flash a list or a heading.
    ["A line\n-", "A line"],
    ["A line\n=", "A line"],
  ])("closes %j", (input, expected) => {
    expect(closeMarkdown(input)).toBe(expected);
  });

  it.each([
    "",
    "plain text",
    "**bold** and *italic* and ~~struck~~ and `code`",
    "[a link](https://example.com) and ![img](/icon.svg)",
    "- [ ] todo\n- [x] done",
    "```js\nconst a = 1;\n```",
    "| a | b |\n| --- | --- |\n| 1 | 2 |",
    "2 * 3 * 4",
    "## Heading\n\n> quote",
  ])("leaves finished markdown unchanged: %j", (input) => {
    expect(closeMarkdown(input)).toBe(input);
  });

  it("is idempotent", () => {
    for (const input of ["**a", "```\nb", "see [x](y", "| a |\n| -"]) {
      const once = closeMarkdown(input);
      expect(closeMarkdown(once)).toBe(once);
    }
  });

  it("keeps every prefix of a reply free of raw markers", () => {
    const reply =
      "## Title\n\n**To chat with a real model**, set `OPENAI_API_KEY`:\n\n" +
      "```dotenv\nOPENAI_API_KEY=sk-your-key\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n";
    for (let end = 1; end <= reply.length; end += 1) {
      const closed = closeMarkdown(reply.slice(0, end));
      // Balanced: an even number of `**` outside code, and fences in pairs.
      const outsideCode = closed.replace(/```[\s\S]*?```/g, "").replace(/`[^`]*`/g, "");
      expect((outsideCode.match(/\*\*/g) ?? []).length % 2, closed).toBe(0);
      expect((closed.match(/^```/gm) ?? []).length % 2, closed).toBe(0);
    }
  });
});
