import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useAuthStore } from "@/lib/auth/store";
import { LoginForm } from "./login-form";

const replace = vi.fn();
let search = "";
vi.mock("next/navigation", () => ({
  useRouter: () => ({ replace }),
  useSearchParams: () => new URLSearchParams(search),
}));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("LoginForm", () => {
  beforeEach(() => {
    search = "next=/dashboard/chat/42";
    replace.mockReset();
    useAuthStore.getState().clear();
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows inline errors without calling the server", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    render(<LoginForm />);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your email.")).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's error in an alert", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json({ error: { code: "UNAUTHENTICATED", message: "Wrong email or password." } }, 401),
      ),
    );
    render(<LoginForm />);
    await userEvent.type(screen.getByLabelText("Email"), "a@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "nope-nope");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
    expect(replace).not.toHaveBeenCalled();
  });

  it("stores the session in memory and goes where the guard bounced from", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json({
          accessToken: "t",
          expiresIn: 900,
          user: { id: "1", email: "a@example.com", fullName: null },
        }),
      ),
    );
    render(<LoginForm />);
    await userEvent.type(screen.getByLabelText("Email"), "a@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "secret-pass");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(replace).toHaveBeenCalledWith("/dashboard/chat/42"));
    expect(useAuthStore.getState()).toMatchObject({ status: "authenticated", accessToken: "t" });
  });

  it("goes to the chat instead of a next that leaves the site", async () => {
    search = "next=/%5Cevil.example";
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        json({ accessToken: "t", expiresIn: 900, user: { id: "1", email: "a@example.com" } }),
      ),
    );
    render(<LoginForm />);
    await userEvent.type(screen.getByLabelText("Email"), "a@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "secret-pass");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await vi.waitFor(() => expect(replace).toHaveBeenCalledWith("/dashboard/chat"));
  });
});
