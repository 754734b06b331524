import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RegisterForm } from "./register-form";

vi.mock("next/navigation", () => ({
  useRouter: () => ({ replace: vi.fn() }),
  useSearchParams: () => new URLSearchParams(),
}));

describe("RegisterForm", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows a field error from the API next to that field (e.g. email taken)", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({
              error: {
                code: "CONFLICT",
                message: "An account with this email already exists.",
                field: "email",
              },
            }),
            { status: 409 },
          ),
      ),
    );
    render(<RegisterForm />);
    await userEvent.type(screen.getByLabelText("Full name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "long enough");
    const submit = screen.getByRole("button", { name: "Create account" });
    await userEvent.click(submit);

    const email = screen.getByLabelText("Email");
    expect(await screen.findByText("An account with this email already exists.")).toBeVisible();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveFocus();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("validates the password length before calling the server", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    render(<RegisterForm />);
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Password must be at least 8 characters.")).toBeVisible();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
