import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SUGGESTIONS, SuggestedPrompts } from "./suggested-prompts";

describe("SuggestedPrompts", () => {
  it("sends the prompt of the card chosen", async () => {
    const onPick = vi.fn();
    render(<SuggestedPrompts onPick={onPick} disabled={false} />);
    const list = screen.getByRole("list", { name: "Suggested prompts" });
    expect(list.querySelectorAll("button")).toHaveLength(SUGGESTIONS.length);
    await userEvent.click(screen.getByRole("button", { name: /Write code/ }));
    expect(onPick).toHaveBeenCalledExactlyOnceWith(SUGGESTIONS[0]!.prompt);
  });

  it("cannot send before a model is chosen", () => {
    render(<SuggestedPrompts onPick={vi.fn()} disabled />);
    for (const button of screen.getAllByRole("button")) expect(button).toBeDisabled();
  });
});
