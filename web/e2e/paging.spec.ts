import { expect, test } from "@playwright/test";
import { assistantMessages, conversations, gql, newUser, userMessages } from "./helpers";

test("the sidebar and the message list load more pages as you scroll", async ({
  page,
  request,
}) => {
  // Seeding waits for 30 replies of the fake provider, one after another.
  test.setTimeout(60_000);
  // Seed through the API directly: 35 conversations (sidebar pages hold 30) and, in the
  // newest, 30 exchanges = 60 messages (message pages hold 50).
  const user = newUser();
  const { register } = await gql<{ register: { accessToken: string } }>(
    request,
    "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
    { i: user },
  );
  const token = register.accessToken;
  let lastId = "";
  for (let n = 1; n <= 35; n++) {
    // The fake provider (standing in for Anthropic) answers in a quarter of a second.
    const data = await gql<{ createConversation: { id: string } }>(
      request,
      "mutation($t: String!) { createConversation(input: { title: $t, aiProvider: ANTHROPIC }) { id } }",
      { t: `Seeded ${n}` },
      token,
    );
    lastId = data.createConversation.id;
  }
  // One after another: each message follows the one before (sent at once, they would all
  // follow the same message, as versions of one turn).
  for (let n = 1; n <= 30; n++) {
    await gql(
      request,
      "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { userMessage { id } } }",
      { c: lastId, t: `Question ${n}` },
      token,
    );
  }

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);

  // Sidebar: newest first; the oldest arrives once the list is scrolled to its end.
  const nav = conversations(page);
  await expect(nav.getByRole("link").first()).toHaveText("Seeded 35");
  await expect(nav.getByRole("link", { name: "Seeded 1", exact: true })).toHaveCount(0);
  await nav.getByRole("link").last().scrollIntoViewIfNeeded();
  await expect(nav.getByRole("link", { name: "Seeded 1", exact: true })).toBeVisible();
  await expect(nav.getByRole("link")).toHaveCount(35);

  // Messages: opens at the newest, loads the older page when scrolled to the top.
  await nav.getByRole("link", { name: "Seeded 35" }).click();
  await expect(assistantMessages(page).last()).toBeInViewport();
  const log = page.getByRole("feed", { name: "Chat history" });
  const first = userMessages(page).filter({ hasText: /^Question 1$/ });
  await expect(first).toHaveCount(0);
  // Keep scrolling up until the first question (on the older page) is rendered.
  await expect(async () => {
    await log.evaluate((el) => el.scrollBy(0, -2000));
    await expect(first).toBeVisible({ timeout: 250 });
  }).toPass({ timeout: 15_000 });
});
