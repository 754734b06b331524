import { expect, test } from "@playwright/test";
import {
  assistantMessages,
  conversations,
  newChat,
  register,
  send,
  userMessages,
  watchReplies,
} from "./helpers";

test.beforeEach(async ({ page }) => {
  await register(page);
});

test("new chat gets a streamed markdown reply, and history survives a reload", async ({ page }) => {
  await newChat(page, { title: "Streaming test" });
  await expect(conversations(page).getByRole("link", { name: "Streaming test" })).toBeVisible();

  const watched = await watchReplies(page);
  await send(page, "Show me **markdown** please");
  // The user's message shows at once; the composer is cleared.
  await expect(userMessages(page).last()).toContainText("Show me **markdown** please");
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("");

  const reply = assistantMessages(page).last();
  await expect(reply.getByRole("heading", { name: "Hello from the demo provider" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible({
    timeout: 15_000,
  });
  await expect(reply).toContainText("DEFAULT_AI_PROVIDER");
  // It came in pieces, with Stop up while it streamed.
  const { lengths, stop } = await watched();
  expect(stop).toBe(true);
  expect(lengths.length).toBeGreaterThan(3);
  expect(lengths[0] ?? 0).toBeLessThan(lengths.at(-1) ?? 0);
  // The list followed the stream down to its last line.
  await expect(reply.getByText(/is the one it preselects/)).toBeInViewport();

  // Markdown: bold, a list and a highlighted code block with a copy button.
  await expect(reply.locator("strong", { hasText: "demo provider" })).toBeVisible();
  await expect(reply.getByRole("listitem").first()).toBeVisible();
  await expect(reply.getByRole("button", { name: "Copy code" })).toBeVisible();
  await expect(reply.locator(".code-highlight")).toContainText("OPENAI_API_KEY=sk-your-key");
  await expect(reply).toContainText(/\d+ tokens/);

  // Copy puts the code block's text on the clipboard.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await reply.getByRole("button", { name: "Copy code" }).click();
  await expect(reply.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(
    "OPENAI_API_KEY=sk-your-key",
  );

  await page.reload();
  await expect(userMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).last()).toContainText("DEFAULT_AI_PROVIDER");
});

test("Stop stops the reply on the server and keeps the partial reply", async ({ page }) => {
  // The slow provider (GEMINI here, about 15 s a reply): Stop lands mid-reply however busy
  // the machine is.
  await newChat(page, { title: "Halting test", provider: "GEMINI" });
  await send(page, "Say something long");
  const reply = assistantMessages(page).last();
  // In pieces: the start is shown while the rest is still to come.
  await expect(reply).toContainText("Slow reply starts.");
  await expect(reply).not.toContainText("slow reply ends.");
  await page.getByRole("button", { name: "Stop", exact: true }).click();

  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible();
  await expect(reply).toHaveAttribute("data-status", "stopped");
  await expect(reply).not.toContainText("slow reply ends.");

  // The server stored the partial reply as STOPPED.
  await page.reload();
  const stored = assistantMessages(page).last();
  await expect(stored).toHaveAttribute("data-status", "stopped");
  await expect(stored).toContainText("Slow reply starts.");
  await expect(stored).not.toContainText("slow reply ends.");
});

test("Shift+Enter adds a newline, and a failing provider offers Retry", async ({ page }) => {
  // OpenAI points at a closed port in the e2e API: every reply fails.
  await newChat(page, { title: "Failing provider", provider: "OPENAI" });
  const box = page.getByLabel("Message", { exact: true });
  await box.fill("line one");
  await box.press("Shift+Enter");
  await box.pressSequentially("line two");
  await expect(box).toHaveValue("line one\nline two");
  await page.getByRole("button", { name: "Send", exact: true }).click();

  const retry = page.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();
  await retry.click();
  await expect(retry).toBeVisible();
  await expect(userMessages(page).first()).toContainText("line two");
});

test("the fake provider server streams through the Anthropic adapter", async ({ page }) => {
  await newChat(page, { title: "Fake provider", provider: "ANTHROPIC" });
  await send(page, "Hello?");
  await expect(assistantMessages(page).last()).toContainText(
    "Fake provider says hello in five pieces.",
  );
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible();
});

test("rename inline and delete with confirmation", async ({ page }) => {
  await newChat(page, { title: "Old title" });
  const nav = conversations(page);
  await nav.getByRole("button", { name: "Rename Old title" }).click();
  const input = nav.getByLabel("Conversation title");
  await input.fill("New title");
  await input.press("Enter");
  await expect(nav.getByRole("link", { name: "New title" })).toBeVisible();
  // The open conversation is the same one in the cache: its header follows at once.
  await expect(page.getByRole("heading", { level: 1, name: "New title" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Old title" })).toHaveCount(0);
  await page.reload();
  await expect(conversations(page).getByRole("link", { name: "New title" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "New title" })).toBeVisible();

  await conversations(page).getByRole("button", { name: "Delete New title" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete this conversation?" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(conversations(page).getByRole("link", { name: "New title" })).toBeVisible();

  await conversations(page).getByRole("button", { name: "Delete New title" }).click();
  await confirm.getByRole("button", { name: "Delete" }).click();
  await expect(conversations(page).getByRole("link", { name: "New title" })).toBeHidden();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
});
