import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { assistantMessages, conversations, register, send, userMessages } from "./helpers";

// Demo replies quote the question ("You asked: > …") and take about 2 s each.
test.describe.configure({ timeout: 60_000 });

async function replyDone(page: Page) {
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible({
    timeout: 15_000,
  });
  await expect(assistantMessages(page).last()).toContainText("DEFAULT_AI_PROVIDER");
}

async function ask(page: Page, question: string) {
  await send(page, question);
  await expect(assistantMessages(page).last()).toContainText(question);
  await replyDone(page);
}

test("edit the second question, get a new answer, flip back to the first version", async ({
  page,
}) => {
  await register(page);
  await ask(page, "What is a parley?");
  await ask(page, "Who takes part?");

  // Escape cancels an edit: nothing is sent.
  const second = userMessages(page).nth(1);
  await second.getByRole("button", { name: "Edit message" }).click();
  const editor = page.getByRole("textbox", { name: "Edit your message" });
  await expect(editor).toHaveValue("Who takes part?");
  await editor.fill("Something else entirely");
  await editor.press("Escape");
  await expect(editor).toBeHidden();
  await expect(userMessages(page).nth(1)).toHaveText(/Who takes part\?/);
  await expect(page.getByRole("button", { name: "Previous version" })).toHaveCount(0);

  // Up arrow in the empty composer edits the last question; Enter sends the new version.
  await page.getByLabel("Message", { exact: true }).press("ArrowUp");
  await expect(editor).toHaveValue("Who takes part?");
  await editor.fill("Who speaks first?");
  await editor.press("Enter");

  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).nth(1)).toContainText("Who speaks first?");
  await expect(assistantMessages(page).last()).toContainText("Who speaks first?");
  await replyDone(page);
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(userMessages(page).nth(1).getByText("2 / 2")).toBeVisible();
  // The first turn is untouched and has one version.
  await expect(userMessages(page).first()).toContainText("What is a parley?");
  await expect(
    userMessages(page).first().getByRole("button", { name: "Previous version" }),
  ).toHaveCount(0);

  // Back to the first version, with its own answer.
  await userMessages(page).nth(1).getByRole("button", { name: "Previous version" }).click();
  await expect(userMessages(page).nth(1)).toContainText("Who takes part?");
  await expect(userMessages(page).nth(1).getByText("1 / 2")).toBeVisible();
  await expect(assistantMessages(page).last()).toContainText("Who takes part?");
  await expect(assistantMessages(page).last()).not.toContainText("Who speaks first?");

  // The branch shown is the conversation's: a reload keeps it.
  await page.reload();
  await expect(userMessages(page).nth(1)).toContainText("Who takes part?");
  await expect(assistantMessages(page).last()).toContainText("Who takes part?");

  await userMessages(page).nth(1).getByRole("button", { name: "Next version" }).click();
  await expect(userMessages(page).nth(1)).toContainText("Who speaks first?");
  await expect(assistantMessages(page).last()).toContainText("Who speaks first?");
  await expect(
    userMessages(page).nth(1).getByRole("button", { name: "Next version" }),
  ).toBeDisabled();
});

test("regenerate, keep a version, branch it into a new chat, export and copy", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await register(page);
  await ask(page, "Tell me a story");

  const reply = assistantMessages(page).last();
  for (const version of ["2 / 2", "3 / 3"]) {
    await reply.getByRole("button", { name: "Regenerate" }).click();
    await expect(reply.getByText(version)).toBeVisible();
    await replyDone(page);
  }
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(userMessages(page)).toHaveCount(1);

  // Keep the second one.
  await reply.getByRole("button", { name: "Previous version" }).click();
  await expect(reply.getByText("2 / 3")).toBeVisible();
  await page.reload();
  await expect(assistantMessages(page).last().getByText("2 / 3")).toBeVisible();

  // Copy puts the message's text on the clipboard.
  await userMessages(page).first().getByRole("button", { name: "Copy message" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("Tell me a story");

  const original = await page.evaluate(() => location.pathname);
  await assistantMessages(page).last().getByRole("button", { name: "Branch in new chat" }).click();
  await expect.poll(() => page.evaluate(() => location.pathname)).not.toBe(original);
  await expect(page).toHaveURL(/\/dashboard\/chat\/[^/]+$/);
  // The new chat holds the branch up to that reply, as one version each.
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText("Tell me a story");
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).first()).toContainText("Tell me a story");
  await expect(page.getByRole("button", { name: "Previous version" })).toHaveCount(0);
  await expect(conversations(page).getByRole("link")).toHaveCount(2);

  // Export as Markdown: a download with the conversation in it.
  await page.getByRole("button", { name: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("menuitem", { name: "Markdown" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  const markdown = await readFile(await download.path(), "utf8");
  expect(markdown).toContain("Tell me a story");
  expect(markdown).toContain("Hello from the demo provider");

  await page.getByRole("button", { name: "Export" }).click();
  const [json] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("menuitem", { name: "JSON" }).click(),
  ]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  const tree: unknown = JSON.parse(await readFile(await json.path(), "utf8"));
  expect(JSON.stringify(tree)).toContain("Tell me a story");
});
