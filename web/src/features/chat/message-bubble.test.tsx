import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { GenerationFieldsFragment } from "@/gql/graphql";
import { generationLine, MessageBubble } from "./message-bubble";
import type { ChatMessage } from "./live-reply";

const generation = (fields: Partial<GenerationFieldsFragment> = {}): GenerationFieldsFragment => ({
  provider: "DEMO",
  model: "demo-1",
  promptTokens: 30,
  completionTokens: 12,
  latencyMs: 1234,
  timeToFirstTokenMs: 80,
  finishReason: "stop",
  attempts: 1,
  fallbackFrom: null,
  error: null,
  ...fields,
});

const assistant = (fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: "a1",
  conversationId: "c1",
  role: "ASSISTANT",
  content: "## Title\n\nSome **bold** text\n\n```python\nprint('hi')\n```",
  status: "COMPLETE",
  generation: generation(),
  createdAt: "2026-01-01T00:00:00Z",
  parentId: null,
  siblingIds: ["a1"],
  siblingIndex: 1,
  ...fields,
});

describe("MessageBubble", () => {
  it("renders assistant markdown with GFM and a code block with a copy button", async () => {
    render(<MessageBubble message={assistant()} />);
    // Markdown is a lazy chunk: its first import can take seconds on a busy machine.
    const heading = await screen.findByRole("heading", { name: "Title" }, { timeout: 10_000 });
    expect(heading).toBeInTheDocument();
    expect(screen.getByText("bold").tagName).toBe("STRONG");
    expect(screen.getByRole("button", { name: "Copy code" })).toBeInTheDocument();
    expect(screen.getByText("print('hi')")).toBeInTheDocument();
    expect(screen.getByText(/42 tokens/)).toBeInTheDocument();
  });

  it("renders user text as plain text, never as markdown", () => {
    render(
      <MessageBubble
        message={assistant({ role: "USER", content: "**not bold**", generation: null })}
      />,
    );
    expect(screen.getByRole("article", { name: "You said" })).toHaveTextContent("**not bold**");
  });

  it("lays out replies as text beside an avatar and user turns as bubbles", () => {
    const { container } = render(<MessageBubble message={assistant({ content: "plain" })} />);
    const article = screen.getByRole("article", { name: "Assistant said" });
    expect(article.querySelector("[aria-hidden] svg")).not.toBeNull();
    expect(container.querySelector(".rounded-3xl")).toBeNull();
    render(<MessageBubble message={assistant({ id: "u1", role: "USER", generation: null })} />);
    expect(
      screen.getByRole("article", { name: "You said" }).querySelector(".rounded-3xl"),
    ).not.toBeNull();
  });

  it("never shows raw markers of a cut-off reply, even before markdown loads", async () => {
    render(
      <MessageBubble
        message={assistant({ content: "**To chat with a real", status: "STOPPED" })}
      />,
    );
    const article = screen.getByRole("article", { name: "Assistant said" });
    expect(article).not.toHaveTextContent("**");
    expect(await screen.findByText("To chat with a real", { selector: "strong" })).toBeVisible();
    expect(article).not.toHaveTextContent("**");
  });

  it("marks stopped replies", async () => {
    render(<MessageBubble message={assistant({ content: "partial", status: "STOPPED" })} />);
    expect(await screen.findByText(/Stopped/)).toBeInTheDocument();
  });
});

describe("generationLine", () => {
  it("shows tokens with their split, the model and the time taken", () => {
    expect(generationLine(assistant())).toBe(
      "42 tokens (30 prompt + 12 completion) · demo-1 · 1.2 s",
    );
  });
  it("names the provider a fallback stood in for, and omits what the provider did not say", () => {
    const fallback = generation({
      provider: "ANTHROPIC",
      model: "claude-x",
      fallbackFrom: "OPENAI",
      completionTokens: null,
      latencyMs: 640,
    });
    expect(generationLine(assistant({ generation: fallback }))).toBe(
      "answered by ANTHROPIC claude-x (fallback from OPENAI) · 640 ms",
    );
  });
  it("has nothing to say without a generation (a reply still streaming)", () => {
    expect(generationLine(assistant({ generation: null }))).toBeNull();
  });
});
