import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "./live-reply";
import { MessageActionsContext, type MessageActions } from "./message-actions";
import { MessageBubble } from "./message-bubble";

const user = (fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: "u2",
  conversationId: "c1",
  role: "USER",
  content: "Who takes part?",
  status: "COMPLETE",
  createdAt: "2026-01-01T00:00:00Z",
  parentId: "a1",
  siblingIds: ["u2"],
  siblingIndex: 1,
  generation: null,
  ...fields,
});

/** A bubble inside a chat's actions, editing state kept as ChatView keeps it. */
function Chat({ message, actions }: { message: ChatMessage; actions: Partial<MessageActions> }) {
  const [editingId, setEditingId] = useState<string | null>(null);
  return (
    <MessageActionsContext
      value={{
        busy: false,
        editingId,
        startEdit: setEditingId,
        cancelEdit: () => setEditingId(null),
        ...actions,
      }}
    >
      <MessageBubble message={message} />
    </MessageActionsContext>
  );
}

describe("message actions", () => {
  it("edits in place: Enter sends the new text, Escape cancels", async () => {
    const submitEdit = vi.fn();
    render(<Chat message={user()} actions={{ submitEdit }} />);
    await userEvent.click(screen.getByRole("button", { name: "Edit message" }));
    const box = screen.getByRole("textbox", { name: "Edit your message" });
    expect(box).toHaveValue("Who takes part?");
    await userEvent.type(box, " Really{Escape}");
    expect(screen.queryByRole("textbox", { name: "Edit your message" })).not.toBeInTheDocument();
    expect(submitEdit).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole("button", { name: "Edit message" }));
    const again = screen.getByRole("textbox", { name: "Edit your message" });
    await userEvent.clear(again);
    await userEvent.type(again, "line{Shift>}{Enter}{/Shift}two{Enter}");
    expect(submitEdit).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ id: "u2", parentId: "a1" }),
      "line\ntwo",
    );
  });

  it("moves between versions with ‹ n / m ›, and not past either end", async () => {
    const selectVersion = vi.fn();
    const message = user({ id: "u3", siblingIds: ["u2", "u3", "u4"], siblingIndex: 2 });
    const { rerender } = render(<Chat message={message} actions={{ selectVersion }} />);
    expect(screen.getByText("2 / 3")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Previous version" }));
    await userEvent.click(screen.getByRole("button", { name: "Next version" }));
    expect(selectVersion.mock.calls).toEqual([["u2"], ["u4"]]);

    rerender(
      <Chat message={{ ...message, id: "u4", siblingIndex: 3 }} actions={{ selectVersion }} />,
    );
    expect(screen.getByRole("button", { name: "Next version" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Previous version" })).toBeEnabled();
  });

  it("offers Regenerate on a finished reply only, and nothing while a reply runs", () => {
    const regenerate = vi.fn();
    const reply = user({ id: "a2", role: "ASSISTANT", content: "Answer", parentId: "u2" });
    const { rerender } = render(<Chat message={reply} actions={{ regenerate }} />);
    expect(screen.getByRole("button", { name: "Regenerate" })).toBeEnabled();
    expect(screen.queryByRole("button", { name: "Edit message" })).not.toBeInTheDocument();

    rerender(<Chat message={{ ...reply, status: "STREAMING" }} actions={{ regenerate }} />);
    expect(screen.queryByRole("button", { name: "Regenerate" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Copy message" })).not.toBeInTheDocument();

    rerender(<Chat message={reply} actions={{ regenerate, busy: true }} />);
    expect(screen.getByRole("button", { name: "Regenerate" })).toBeDisabled();
  });

  it("copies the message's text", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    render(<Chat message={user()} actions={{}} />);
    await userEvent.click(screen.getByRole("button", { name: "Copy message" }));
    expect(writeText).toHaveBeenCalledExactlyOnceWith("Who takes part?");
    expect(await screen.findByText("Copied")).toBeInTheDocument();
    vi.unstubAllGlobals();
  });
});
