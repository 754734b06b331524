import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "./live-reply";
import { MessageActionsContext } from "./message-actions";
import { ReplyStatus } from "./reply-status";

const reply = (fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: "a1",
  conversationId: "c1",
  role: "ASSISTANT",
  content: "partial",
  status: "STOPPED",
  createdAt: "2026-01-01T00:00:00Z",
  parentId: "u1",
  siblingIds: ["a1"],
  siblingIndex: 1,
  generation: null,
  ...fields,
});

const failure = {
  provider: "DEMO" as const,
  model: "demo-1",
  promptTokens: null,
  completionTokens: null,
  latencyMs: null,
  timeToFirstTokenMs: null,
  finishReason: null,
  attempts: 1,
  fallbackFrom: null,
  error: "The provider did not answer in time.",
};

function renderStatus(message: ChatMessage, busy = false) {
  const regenerate = vi.fn();
  render(
    <MessageActionsContext value={{ busy, editingId: null, regenerate }}>
      <ReplyStatus message={message} />
    </MessageActionsContext>,
  );
  return regenerate;
}

describe("ReplyStatus", () => {
  it("badges a stopped reply and tries again as a new version of it", async () => {
    const regenerate = renderStatus(reply());
    expect(screen.getByText("Stopped")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(regenerate).toHaveBeenCalledExactlyOnceWith("a1");
  });

  it("badges a failed reply with the reason", () => {
    renderStatus(reply({ status: "FAILED", content: "", generation: failure }));
    expect(screen.getByText("Failed")).toBeInTheDocument();
    expect(screen.getByText("The provider did not answer in time.")).toBeInTheDocument();
  });

  it("offers no second reply while one runs", () => {
    renderStatus(reply(), true);
    expect(screen.getByRole("button", { name: "Try again" })).toBeDisabled();
  });

  it("says nothing under a finished or running reply", () => {
    for (const status of ["COMPLETE", "STREAMING"] as const) {
      const { container } = render(<ReplyStatus message={reply({ status })} />);
      expect(container).toBeEmptyDOMElement();
    }
  });
});
