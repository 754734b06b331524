import { describe, expect, it } from "vitest";
import type { ProvidersQuery } from "@/gql/graphql";
import { defaultProvider } from "./new-chat-dialog";

type ProviderName = ProvidersQuery["providers"][number]["provider"];

const p = (provider: ProviderName, configured: boolean, isDefault = false) => ({
  provider,
  displayName: provider,
  configured,
  defaultModel: `${provider.toLowerCase()}-model`,
  models: [],
  isDefault,
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
