import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProvidersQuery } from "@/gql/graphql";
import { fakeApi, inputLimits, withClient, type Answer } from "@/test/fake-api";
import NewChatDialog, { defaultProvider } from "./new-chat-dialog";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push }) }));

type Provider = ProvidersQuery["providers"][number];

const p = (
  provider: Provider["provider"],
  configured: boolean,
  isDefault = false,
  fields: Partial<Provider> = {},
): Provider => ({
  provider,
  displayName: provider,
  configured,
  defaultModel: `${provider.toLowerCase()}-model`,
  models: [],
  acceptsAnyModel: false,
  isDefault,
  ...fields,
});

describe("defaultProvider", () => {
  it("picks the server's default provider", () => {
    expect(
      defaultProvider([p("OPENAI", true), p("ANTHROPIC", true, true), p("DEMO", true)])?.provider,
    ).toBe("ANTHROPIC");
  });
  it("picks the first configured provider when the default is not configured", () => {
    expect(
      defaultProvider([p("OPENAI", false, true), p("ANTHROPIC", true), p("DEMO", true)])?.provider,
    ).toBe("ANTHROPIC");
  });
  it("falls back to the first when none is configured", () => {
    expect(defaultProvider([p("OPENAI", false)])?.provider).toBe("OPENAI");
  });
});

const providers: Answer = () => ({
  data: {
    providers: [
      p("DEMO", true, true, { defaultModel: "demo-1", models: ["demo-1", "demo-2"] }),
      p("OLLAMA", true, false, {
        defaultModel: "llama3",
        models: ["llama3", "qwen3"],
        acceptsAnyModel: true,
      }),
    ].map((provider) => ({ __typename: "ProviderInfo", ...provider })),
  },
});

function open(answers: Record<string, Answer>) {
  const api = fakeApi({ Providers: providers, InputLimits: inputLimits(), ...answers });
  render(<NewChatDialog open onOpenChange={vi.fn()} />, { wrapper: withClient(api) });
  return { api, dialog: () => screen.getByRole("dialog", { name: "New chat" }) };
}

describe("NewChatDialog", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("refuses a title longer than the API's served limit, in the API's words", async () => {
    const { api, dialog } = open({ InputLimits: inputLimits({ titleMaxChars: 10 }) });
    const title = await within(dialog()).findByLabelText("Title");
    await vi.waitFor(() => expect(api.calls).toContain("InputLimits"));
    await userEvent.type(title, "Eleven char");
    await userEvent.click(within(dialog()).getByRole("button", { name: "Start chat" }));

    expect(await within(dialog()).findByText("Title must be at most 10 characters.")).toBeVisible();
    expect(title).toHaveAttribute("aria-invalid", "true");
    expect(title).toHaveAccessibleDescription(
      "Optional: an untitled chat is named after its first message. Title must be at most 10 characters.",
    );
    expect(api.calls).not.toContain("CreateConversation");
  });

  it("offers a provider's models as a list, or free text with suggestions if it takes any", async () => {
    const { dialog } = open({});
    const model = await within(dialog()).findByRole("combobox", { name: "Model" });
    expect(
      within(model)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["demo-1", "demo-2"]);

    await userEvent.selectOptions(within(dialog()).getByLabelText("Provider"), "OLLAMA");
    const free = within(dialog()).getByRole("combobox", { name: "Model" });
    expect(free.tagName).toBe("INPUT");
    expect(free).toHaveValue("llama3");
    const suggestions = document.getElementById(free.getAttribute("list") ?? "");
    expect([...(suggestions?.querySelectorAll("option") ?? [])].map((o) => o.value)).toEqual([
      "llama3",
      "qwen3",
    ]);
  });

  it("shows the API's refusal on the field it names", async () => {
    const { dialog } = open({
      CreateConversation: () => ({
        data: null,
        errors: [
          {
            message: "OLLAMA does not serve that model.",
            extensions: { code: "BAD_USER_INPUT", field: "aiModel" },
          },
        ],
      }),
    });
    await userEvent.selectOptions(await within(dialog()).findByLabelText("Provider"), "OLLAMA");
    const model = within(dialog()).getByRole("combobox", { name: "Model" });
    await userEvent.clear(model);
    await userEvent.type(model, "no-such-model");
    await userEvent.click(within(dialog()).getByRole("button", { name: "Start chat" }));

    expect(await within(dialog()).findByText("OLLAMA does not serve that model.")).toBeVisible();
    expect(model).toHaveAttribute("aria-invalid", "true");
    expect(model).toHaveFocus();
    expect(push).not.toHaveBeenCalled();
  });
});
