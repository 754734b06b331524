import { expect, test, type Page } from "@playwright/test";
import { gql } from "./helpers";
import { apiUser, createConversation, sendMessage, signIn } from "./insights-helpers";

/** The message a search result opened at: in the feed, ringed and marked `data-found`. */
function foundMessage(page: Page) {
  return page.getByRole("feed", { name: "Chat history" }).locator('[data-found="true"]');
}

test("a word from an old answer is found from the sidebar and with Ctrl+K, and opens at that answer", async ({
  page,
  request,
}) => {
  // Seeding waits for 31 replies, one after another.
  test.setTimeout(120_000);
  const { user, token } = await apiUser(request);
  // One word, unique to this test, that the demo provider's answer quotes back.
  const word = `quokka${Date.now().toString(36)}`;
  const id = await createConversation(request, token, "Marsupial facts", "DEMO");
  await sendMessage(request, token, id, `What does a ${word} eat?`);
  // Then 30 quick turns with the fake provider: the answer is beyond the newest page (50).
  await gql(
    request,
    "mutation($c: ID!) { updateConversation(id: $c, input: { aiProvider: ANTHROPIC }) { id } }",
    { c: id },
    token,
  );
  for (let n = 1; n <= 30; n++) await sendMessage(request, token, id, `Question ${n}`);

  await signIn(page, user);

  // The sidebar's field.
  await page.getByRole("combobox", { name: "Search conversations" }).fill(word);
  const results = page.getByRole("listbox", { name: "Search results" });
  const answer = results.getByRole("option").filter({ hasText: "Assistant:" });
  await expect(answer).toHaveCount(1);
  await expect(answer).toContainText("Marsupial facts");
  await expect(answer.locator("mark")).toHaveText([word]);
  await answer.click();

  await expect
    .poll(() => page.evaluate(() => location.href))
    .toContain(`/dashboard/chat/${id}?message=`);
  await expect(foundMessage(page)).toHaveCount(1);
  await expect(foundMessage(page).getByRole("article", { name: "Assistant said" })).toContainText(
    word,
  );
  await expect(foundMessage(page)).toBeInViewport();

  // The palette, from another page, with the keyboard only.
  await page.goto("/dashboard/chat");
  // Signed in again from the session cookie: the shortcut works once the app is up.
  await expect(page.getByRole("button", { name: "Search", exact: true })).toBeVisible();
  await page.keyboard.press("Control+k");
  const palette = page.getByRole("dialog", { name: "Search" });
  const field = palette.getByRole("combobox", { name: "Search conversations" });
  await expect(field).toBeFocused();
  await field.pressSequentially(word);
  const options = palette.getByRole("listbox", { name: "Search results" }).getByRole("option");
  await expect(options.filter({ hasText: "Assistant:" }).locator("mark")).toHaveText([word]);
  // The first result is active; walk down to the answer.
  const texts = await options.allInnerTexts();
  const index = texts.findIndex((text) => text.includes("Assistant:"));
  await expect(options.nth(0)).toHaveAttribute("aria-selected", "true");
  for (let step = 0; step < index; step++) await field.press("ArrowDown");
  await expect(options.nth(index)).toHaveAttribute("aria-selected", "true");
  await field.press("Enter");

  await expect(palette).toBeHidden();
  await expect
    .poll(() => page.evaluate(() => location.href))
    .toContain(`/dashboard/chat/${id}?message=`);
  await expect(foundMessage(page).getByRole("article", { name: "Assistant said" })).toContainText(
    word,
  );
  await expect(foundMessage(page)).toBeInViewport();
});

test("a search with no match says so", async ({ page, request }) => {
  const { user } = await apiUser(request);
  await signIn(page, user);
  await page.getByRole("combobox", { name: "Search conversations" }).fill("zyxwvutsnothing");
  await expect(page.getByText("No matches.")).toBeVisible();
  await expect(
    page.getByRole("listbox", { name: "Search results", includeHidden: true }),
  ).toBeHidden();
});
