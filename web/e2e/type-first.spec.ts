import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import {
  assistantMessages,
  conversations,
  gql,
  newUser,
  register,
  send,
  userMessages,
} from "./helpers";

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

/** Moves conversations back in time in the e2e database (the API never would). */
function backdate(email: string, days: Record<string, number>) {
  const script = `
import asyncio, json, os, sys
import asyncpg

async def main():
    connection = await asyncpg.connect(os.environ["E2E_DATABASE_URL"])
    for title, days in json.loads(sys.argv[2]).items():
        await connection.execute(
            "UPDATE conversations SET updated_at = now() - make_interval(days => $1)"
            " WHERE title = $2 AND user_id = (SELECT id FROM users WHERE email = $3)",
            days, title, sys.argv[1],
        )
    await connection.close()

asyncio.run(main())
`;
  execFileSync("uv", ["run", "--frozen", "python", "-c", script, email, JSON.stringify(days)], {
    cwd: fileURLToPath(new URL("../../api/", import.meta.url)),
    env: {
      ...process.env,
      E2E_DATABASE_URL:
        process.env.E2E_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/parley_e2e",
    },
  });
}

test("the sidebar groups conversations as Today, Yesterday, Previous 7 days, Older", async ({
  page,
  request,
}) => {
  const user = newUser();
  const { register: registered } = await gql<{ register: { accessToken: string } }>(
    request,
    "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
    { i: user },
  );
  const titles = ["Long ago", "Last week", "From yesterday", "Fresh"];
  for (const title of titles) {
    await gql(
      request,
      "mutation($t: String!) { createConversation(input: { title: $t, aiProvider: DEMO }) { id } }",
      { t: title },
      registered.accessToken,
    );
  }
  backdate(user.email, { "From yesterday": 1, "Last week": 3, "Long ago": 30 });

  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);

  const nav = conversations(page);
  const sections = nav.getByRole("heading", { level: 3 });
  await expect(sections).toHaveText(["Today", "Yesterday", "Previous 7 days", "Older"]);
  const section = (name: string) => nav.getByRole("listitem", { name, exact: true });
  await expect(section("Today").getByRole("link")).toHaveText(["Fresh"]);
  await expect(section("Yesterday").getByRole("link")).toHaveText(["From yesterday"]);
  await expect(section("Previous 7 days").getByRole("link")).toHaveText(["Last week"]);
  await expect(section("Older").getByRole("link")).toHaveText(["Long ago"]);
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
