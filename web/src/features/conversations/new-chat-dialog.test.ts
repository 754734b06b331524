import { describe, expect, it } from "vitest";
import type { ProvidersQuery } from "@/gql/graphql";
import { defaultProvider } from "./new-chat-dialog";

const p = (provider: ProvidersQuery["providers"][number]["provider"], configured: boolean) => ({
  provider,
  displayName: provider,
  configured,
  defaultModel: `${provider.toLowerCase()}-model`,
  models: [],
});

describe("defaultProvider", () => {
  it("picks the first configured provider", () => {
    expect(
      defaultProvider([p("OPENAI", false), p("ANTHROPIC", true), p("DEMO", true)])?.provider,
    ).toBe("ANTHROPIC");
  });
  it("falls back to the first when none is configured", () => {
    expect(defaultProvider([p("OPENAI", false)])?.provider).toBe("OPENAI");
  });
});
