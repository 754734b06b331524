import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./chat-reducer";
import { MessageBubble, usageLine } from "./message-bubble";

const assistant = (fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: "a1",
  conversationId: "c1",
  role: "ASSISTANT",
  content: "## Title\n\nSome **bold** text\n\n```python\nprint('hi')\n```",
  status: "COMPLETE",
  tokensUsed: 42,
  metadata: { promptTokens: 30, completionTokens: 12, model: "demo-1" },
  createdAt: "2026-01-01T00:00:00Z",
  ...fields,
});

describe("MessageBubble", () => {
  it("renders assistant markdown with GFM and a code block with a copy button", async () => {
    render(<MessageBubble message={assistant()} />);
    expect(await screen.findByRole("heading", { name: "Title" })).toBeInTheDocument();
    expect(screen.getByText("bold").tagName).toBe("STRONG");
    expect(screen.getByRole("button", { name: "Copy code" })).toBeInTheDocument();
    expect(screen.getByText("print('hi')")).toBeInTheDocument();
    expect(screen.getByText(/42 tokens/)).toBeInTheDocument();
  });

  it("renders user text as plain text, never as markdown", () => {
    render(
      <MessageBubble
        message={assistant({ role: "USER", content: "**not bold**", tokensUsed: null })}
      />,
    );
    expect(screen.getByRole("article", { name: "You said" })).toHaveTextContent("**not bold**");
  });

  it("marks stopped replies", async () => {
    render(<MessageBubble message={assistant({ content: "partial", status: "STOPPED" })} />);
    expect(await screen.findByText(/Stopped/)).toBeInTheDocument();
  });
});

describe("usageLine", () => {
  it("shows total, split and model", () => {
    expect(usageLine(assistant())).toBe("42 tokens (30 prompt + 12 completion) · demo-1");
  });
  it("accepts snake_case metadata and omits what is missing", () => {
    expect(usageLine(assistant({ metadata: { prompt_tokens: 1, completion_tokens: 2 } }))).toBe(
      "42 tokens (1 prompt + 2 completion)",
    );
    expect(usageLine(assistant({ tokensUsed: null }))).toBeNull();
  });
});
