import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, inputLimits, withClient } from "@/test/fake-api";
import { RegisterForm } from "./register-form";

vi.mock("next/navigation", () => ({
  useRouter: () => ({ replace: vi.fn() }),
  useSearchParams: () => new URLSearchParams(),
}));

const conflict = async () =>
  new Response(
    JSON.stringify({
      error: {
        code: "CONFLICT",
        message: "An account with this email already exists.",
        field: "email",
      },
    }),
    { status: 409 },
  );

describe("RegisterForm", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows a field error from the API next to that field (e.g. email taken)", async () => {
    const api = fakeApi({ InputLimits: inputLimits() }, conflict);
    render(<RegisterForm />, { wrapper: withClient(api) });
    await userEvent.type(screen.getByLabelText("Full name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    const email = screen.getByLabelText("Email");
    expect(await screen.findByText("An account with this email already exists.")).toBeVisible();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveFocus();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("checks the password against the API's served minimum before calling the server", async () => {
    const api = fakeApi({ InputLimits: inputLimits({ passwordMinChars: 12 }) }, conflict);
    render(<RegisterForm />, { wrapper: withClient(api) });
    const password = screen.getByLabelText("Password");
    // The served number, shown with the field once it has arrived.
    expect(await screen.findByText("At least 12 characters.")).toBeVisible();
    expect(password).toHaveAccessibleDescription("At least 12 characters.");

    await userEvent.type(screen.getByLabelText("Full name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(password, "eleven char");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Password must be at least 12 characters.")).toBeVisible();
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(api.fetch).not.toHaveBeenCalledWith("/api/auth/register", expect.anything());
  });

  it("leaves lengths to the API until its limits arrive", async () => {
    const api = fakeApi({ InputLimits: () => new Promise(() => undefined) }, conflict);
    render(<RegisterForm />, { wrapper: withClient(api) });
    await userEvent.type(screen.getByLabelText("Full name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await vi.waitFor(() =>
      expect(api.fetch).toHaveBeenCalledWith("/api/auth/register", expect.anything()),
    );
  });
});
