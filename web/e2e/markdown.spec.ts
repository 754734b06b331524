import { expect, test } from "@playwright/test";
import { assistantMessages, newChat, register, send } from "./helpers";

/*
 * The slow provider (GEMINI here, about 15 s a reply, e2e/servers/slow-provider.sh) streams
 * `Slow reply starts. **w01 … w60** slow reply ends.`: until the end, the bold is open.
 */
test.describe.configure({ timeout: 60_000 });

test("a reply stopped inside bold text shows bold, never raw stars", async ({ page }) => {
  await register(page);
  await newChat(page, { title: "Cut-off markdown", provider: "GEMINI" });
  // The tab is named after the conversation.
  await expect(page).toHaveTitle("Cut-off markdown · Parley");
  await send(page, "Say something bold");
  const reply = assistantMessages(page).last();

  // While streaming, the open bold is already bold.
  await expect(reply.locator("strong", { hasText: "w02" })).toBeVisible();
  await expect(reply).toHaveAttribute("data-status", "streaming");
  await expect(reply).not.toContainText("**");

  await page.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(reply).toHaveAttribute("data-status", "stopped");
  await expect(reply).not.toContainText("slow reply ends.");
  await expect(reply.locator("strong", { hasText: "w01" })).toBeVisible();
  await expect(reply).not.toContainText("**");
  // A badge says it stopped, and "Try again" makes a new version of the reply.
  await expect(reply.getByText("Stopped", { exact: true })).toBeVisible();
  await expect(reply.getByRole("button", { name: "Try again" })).toBeVisible();

  // The stored, cut-off reply renders the same after a reload.
  await page.reload();
  const stored = assistantMessages(page).last();
  await expect(stored).toHaveAttribute("data-status", "stopped");
  await expect(stored.locator("strong", { hasText: "w01" })).toBeVisible();
  await expect(stored).not.toContainText("**");
});
