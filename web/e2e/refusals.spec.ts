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
 * A refused send: the tab here talks to the second API process, which allows a user two
 * messages per 15 s (e2e/servers/api.sh). The third is refused with RATE_LIMITED and
 * extensions.retryAfter: no bubble, the text stays in the box, and a live countdown holds
 * Send until sending works again.
 */

test.use({ bypassCSP: true });
test.describe.configure({ timeout: 90_000 });

const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
const messageBox = (page: Page) => page.getByLabel("Message", { exact: true });
const notice = (page: Page) => page.getByRole("status", { name: "Message not sent" });

test("a rate-limited message keeps its text, leaves no bubble and counts down to sending again", async ({
  page,
  context,
}) => {
  await register(page);
  const { page: tab } = await openOnSecondApi(context);
  await tab.goto("/dashboard/chat");
  await newChat(tab, { title: "Too fast" });

  for (const [i, text] of ["one", "two"].entries()) {
    await send(tab, text);
    await expect(assistantMessages(tab)).toHaveCount(i + 1);
    await expect(assistantMessages(tab).last()).toHaveAttribute("data-status", "complete");
  }

  await send(tab, "three, too soon");
  await expect(notice(tab)).toContainText(
    /You are sending too fast\. You can send again in \d+ s\./,
  );
  await expect(messageBox(tab)).toHaveValue("three, too soon");
  await expect(userMessages(tab)).toHaveCount(2);
  await expect(sendButton(tab)).toBeDisabled();

  // The count goes down live.
  const seconds = async () =>
    Number(/in (\d+) s/.exec((await notice(tab).textContent()) ?? "")?.[1] ?? NaN);
  const first = await seconds();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(15);
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first);

  // At zero the notice goes and Send comes back; the kept text sends.
  await expect(notice(tab)).toBeHidden({ timeout: 20_000 });
  await expect(sendButton(tab)).toBeEnabled();
  await messageBox(tab).press("Enter");
  await expect(userMessages(tab)).toHaveCount(3);
  await expect(userMessages(tab).last()).toHaveText(/three, too soon/);
  await expect(messageBox(tab)).toHaveValue("");
});
