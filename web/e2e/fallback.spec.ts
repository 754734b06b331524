import { expect, test } from "@playwright/test";
import { assistantMessages, newChat, register, send } from "./helpers";
import { useInsightsApi } from "./insights-helpers";

// The app talks to the API process with AI_FALLBACKS=OPENAI=ANTHROPIC (its address differs
// from the CSP's). OpenAI points at a closed port there, as everywhere in these tests.
test.use({ bypassCSP: true });

test("a reply answered by a fallback provider says which one answered", async ({ page }) => {
  await useInsightsApi(page);
  await register(page);
  await newChat(page, { title: "Falls back", provider: "OPENAI" });
  await send(page, "Hello?");
  const reply = assistantMessages(page).last();
  await expect(reply).toContainText("Fake provider says hello in five pieces.");
  await expect(reply).toContainText(/answered by ANTHROPIC \S+ \(fallback from OPENAI\)/);
});
