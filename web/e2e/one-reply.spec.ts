import { expect, test, type Page } from "@playwright/test";
import {
  assistantMessages,
  newChat,
  openOnSecondApi,
  register,
  send,
  userMessages,
} from "./helpers";

/*
 * One running reply per conversation: a tab that did not start the reply (here on the other
 * API process) shows it running, keeps what is typed but does not send it, offers Stop, and
 * sends again once the reply has ended. The GEMINI fake takes about 15 s per reply.
 */

test.use({ bypassCSP: true });
test.describe.configure({ timeout: 90_000 });

const stopButton = (page: Page) => page.getByRole("button", { name: "Stop", exact: true });
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
const messageBox = (page: Page) => page.getByLabel("Message", { exact: true });

test("while a reply runs, every tab holds its message, offers Stop, and sends once it ends", async ({
  page,
  context,
}) => {
  await register(page);
  await newChat(page, { title: "One at a time", provider: "GEMINI" });
  const other = await openOnSecondApi(context);
  await other.page.goto(page.url());
  await expect(other.page.getByRole("heading", { level: 1, name: "One at a time" })).toBeVisible();

  await send(page, "Take your time");
  const theirs = assistantMessages(other.page).last();
  await expect(theirs).toHaveAttribute("data-status", "streaming");
  await expect(stopButton(other.page)).toBeVisible();
  await expect(sendButton(other.page)).toHaveCount(0);

  // Typing is allowed; Enter sends nothing while the reply runs.
  await send(other.page, "My next question");
  await expect(messageBox(other.page)).toHaveValue("My next question");
  await expect(userMessages(other.page)).toHaveCount(1);
  await expect(userMessages(page)).toHaveCount(1);

  await stopButton(other.page).click();
  await expect(theirs).toHaveAttribute("data-status", "stopped");
  await expect(assistantMessages(page).last()).toHaveAttribute("data-status", "stopped");
  await expect(sendButton(other.page)).toBeEnabled();
  await expect(sendButton(page)).toBeVisible();

  // Ended: the held text goes as it was.
  await messageBox(other.page).press("Enter");
  await expect(userMessages(other.page).last()).toHaveText(/My next question/);
  await expect(userMessages(page).last()).toHaveText(/My next question/);
  await expect(userMessages(page)).toHaveCount(2);
  await expect(stopButton(page)).toBeVisible();
});
