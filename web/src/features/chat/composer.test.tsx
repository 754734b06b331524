import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Composer } from "./composer";

describe("Composer", () => {
  it("Enter sends the trimmed message and clears the box; Shift+Enter adds a newline", async () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} onStop={vi.fn()} busy={false} />);
    const box = screen.getByRole("textbox", { name: "Message" });

    await userEvent.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(box).toHaveValue("line one\nline two");
    expect(onSend).not.toHaveBeenCalled();

    await userEvent.type(box, "  {Enter}");
    expect(onSend).toHaveBeenCalledExactlyOnceWith("line one\nline two");
    expect(box).toHaveValue("");
  });

  it("Up arrow in an empty box edits the last message; with text it moves the caret", async () => {
    const onEditLast = vi.fn();
    render(<Composer onSend={vi.fn()} onStop={vi.fn()} busy={false} onEditLast={onEditLast} />);
    const box = screen.getByRole("textbox", { name: "Message" });
    await userEvent.type(box, "draft{ArrowUp}");
    expect(onEditLast).not.toHaveBeenCalled();
    await userEvent.clear(box);
    await userEvent.type(box, "{ArrowUp}");
    expect(onEditLast).toHaveBeenCalledOnce();
  });

  it("puts the message back when sending it failed", async () => {
    let fail: (sent: boolean) => void = () => undefined;
    const onSend = vi.fn(() => new Promise<boolean>((resolve) => (fail = resolve)));
    render(<Composer onSend={onSend} onStop={vi.fn()} busy={false} />);
    const box = screen.getByRole("textbox", { name: "Message" });
    await userEvent.type(box, "keep me{Enter}");
    expect(box).toHaveValue("");
    act(() => fail(false));
    await waitFor(() => expect(box).toHaveValue("keep me"));
  });

  it("disables Send for an empty message", () => {
    render(<Composer onSend={vi.fn()} onStop={vi.fn()} busy={false} />);
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
  });

  it("shows Stop instead of Send while a reply streams, and does not send", async () => {
    const onSend = vi.fn();
    const onStop = vi.fn();
    render(<Composer onSend={onSend} onStop={onStop} busy />);
    expect(screen.queryByRole("button", { name: "Send" })).not.toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox", { name: "Message" }), "next{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Stop" }));
    expect(onStop).toHaveBeenCalledOnce();
  });
});

describe("Composer and the API's message limit", () => {
  it("holds back a message longer than the served limit, and says why", async () => {
    const onSend = vi.fn();
    render(<Composer onSend={onSend} onStop={vi.fn()} busy={false} maxChars={5} />);
    const box = screen.getByRole("textbox", { name: "Message" });
    await userEvent.type(box, "123456{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(box).toHaveAccessibleDescription("Message content must be at most 5 characters.");

    await userEvent.type(box, "{Backspace}{Enter}");
    expect(onSend).toHaveBeenCalledExactlyOnceWith("12345");
  });
});
