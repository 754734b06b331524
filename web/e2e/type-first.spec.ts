import { expect, test } from "@playwright/test";
import { assistantMessages, conversations, newChat, register, send, userMessages } from "./helpers";

test("the chat page opens on a ready composer; the first send makes the chat", async ({ page }) => {
  await register(page);
  // Provider and model are preselected from the providers query (DEFAULT_AI_PROVIDER=DEMO).
  const provider = page.getByLabel("Provider", { exact: true });
  await expect(provider).toHaveValue("DEMO");
  await expect(page.getByLabel("Model", { exact: true })).not.toHaveValue("");
  const message = page.getByLabel("Message", { exact: true });
  await expect(message).toBeFocused();
  await expect(conversations(page).getByText("No conversations yet.")).toBeVisible();

  // Another provider: its default model comes with it, and the chat is made with both.
  await provider.selectOption("ANTHROPIC");
  await expect(page.getByLabel("Model", { exact: true })).not.toHaveValue("");
  const model = await page.getByLabel("Model", { exact: true }).inputValue();
  await send(page, "Hello from the first line");

  await expect(page).toHaveURL(/\/dashboard\/chat\/[^/]+$/);
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText("Hello from the first line");
  await expect(assistantMessages(page).last()).toContainText(
    "Fake provider says hello in five pieces.",
  );
  await expect(page.getByText(`ANTHROPIC · ${model}`)).toBeVisible();
  // Untitled: named by the model once it has answered (the fake provider's answer), in the
  // header and the sidebar, without a reload.
  const title = "Fake provider says hello in five pieces";
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(conversations(page).getByRole("link", { name: title })).toBeVisible();

  // "New chat" goes back to the empty composer; nothing is made until a send.
  await page.getByRole("button", { name: "New chat", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
  await expect(page.getByLabel("Provider", { exact: true })).toHaveValue("DEMO");
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("");
  await expect(conversations(page).getByRole("link")).toHaveCount(1);
  // The first message still reaches the API after a reload of the new chat.
  await send(page, "Second chat");
  await expect(assistantMessages(page).last()).toContainText("DEFAULT_AI_PROVIDER", {
    timeout: 15_000,
  });
  await page.reload();
  await expect(userMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
});

test("the sidebar groups conversations by day", async ({ page }) => {
  await register(page);
  await newChat(page, { title: "Made today" });
  const today = conversations(page).getByRole("listitem", { name: "Today" });
  await expect(today.getByRole("heading", { name: "Today" })).toBeVisible();
  await expect(today.getByRole("link", { name: "Made today" })).toBeVisible();
  // Nothing older yet: no empty sections.
  await expect(conversations(page).getByRole("heading", { name: "Yesterday" })).toHaveCount(0);
  await expect(conversations(page).getByRole("heading", { name: "Older" })).toHaveCount(0);
});

test("the landing page says what Parley is and sends a signed-in user to their chats", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Parley" })).toBeVisible();
  await expect(page.getByText("Parley is a chat with AI models")).toBeVisible();
  await page.getByRole("link", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/register$/);
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await register(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
  await expect(page.getByLabel("Message", { exact: true })).toBeVisible();
});
