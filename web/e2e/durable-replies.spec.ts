import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  API2_PORT,
  assistantMessages,
  conversations,
  newChat,
  openOnSecondApi,
  register,
  runningMark,
  send,
  userMessages,
} from "./helpers";

/*
 * Replies are jobs of the server, followed by any tab through either API process. The GEMINI
 * provider here is a fake whose replies take about 15 s (e2e/servers/slow-provider.sh), so a
 * reply is still running while a tab reloads, switches chats or stops it.
 */

const WORDS = Array.from({ length: 60 }, (_, i) => `w${String(i + 1).padStart(2, "0")}`);
const SLOW_TEXT = `Slow reply starts. ${WORDS.join(" ")} slow reply ends.`;

// The second tab's app is pointed at the second API process, which its page policy does not
// name (see openOnSecondApi).
test.use({ bypassCSP: true });
test.describe.configure({ timeout: 90_000 });

const stopButton = (page: Page) => page.getByRole("button", { name: "Stop", exact: true });
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
/** The reply's text exactly: a character shown twice or lost fails it. */
const replyText = (reply: Locator) => reply.getByText(SLOW_TEXT, { exact: true });

test("a reply keeps going when I open another chat or reload, and I see it finish", async ({
  page,
}) => {
  await register(page);
  await newChat(page, { title: "Elsewhere" });
  await newChat(page, { title: "Long reply", provider: "GEMINI" });
  await send(page, "Take your time");
  await expect(assistantMessages(page).last()).toContainText("Slow reply starts.");
  await expect(runningMark(page, "Long reply")).toBeVisible();

  // Another chat: this one's reply runs on, and the sidebar says so.
  await conversations(page).getByRole("link", { name: "Elsewhere" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Elsewhere" })).toBeVisible();
  await expect(runningMark(page, "Long reply")).toBeVisible();
  await expect(runningMark(page, "Elsewhere")).toHaveCount(0);

  // Back: it follows on from what this tab already showed.
  await conversations(page).getByRole("link", { name: "Long reply" }).click();
  await expect(assistantMessages(page).last()).toHaveAttribute("data-status", "streaming");

  // A reload does not stop it either: the new page follows it from the start.
  await page.reload();
  const reply = assistantMessages(page).last();
  await expect(reply).toHaveAttribute("data-status", "streaming");
  await expect(stopButton(page)).toBeVisible();

  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 45_000 });
  await expect(replyText(reply)).toBeVisible();
  await expect(sendButton(page)).toBeVisible();
  await expect(runningMark(page, "Long reply")).toHaveCount(0);

  // Stored whole.
  await page.reload();
  await expect(replyText(assistantMessages(page).last())).toBeVisible();
});

test("a tab on the other API process sees the reply start and stream, and its Stop stops it everywhere", async ({
  page,
  context,
}) => {
  await register(page);
  await newChat(page, { title: "Shared reply", provider: "GEMINI" });
  const chatUrl = page.url();

  const other = await openOnSecondApi(context);
  await other.page.goto(chatUrl);
  await expect(other.page.getByRole("heading", { level: 1, name: "Shared reply" })).toBeVisible();

  // Started in the first tab; the second, already open, follows it.
  await send(page, "Go slowly");
  const theirs = assistantMessages(other.page).last();
  await expect(theirs).toHaveAttribute("data-status", "streaming");
  await expect(theirs).toContainText("Slow reply starts.");
  await expect(runningMark(other.page, "Shared reply")).toBeVisible();

  await stopButton(other.page).click();
  const mine = assistantMessages(page).last();
  await expect(theirs).toHaveAttribute("data-status", "stopped");
  await expect(mine).toHaveAttribute("data-status", "stopped");
  await expect(mine).not.toContainText("slow reply ends");
  await expect(sendButton(page)).toBeVisible();
  await expect(sendButton(other.page)).toBeVisible();
  await expect(runningMark(page, "Shared reply")).toHaveCount(0);

  // Both show the text the server stored, once.
  await page.reload();
  // The words are bold (an open `**` when stopped): read the text once markdown rendered it.
  await expect(assistantMessages(page).last().locator("strong").first()).toBeVisible();
  const stored = (await assistantMessages(page).last().locator("p").first().innerText()).trim();
  expect(stored.startsWith("Slow reply starts.")).toBe(true);
  await expect(theirs.locator("p").first()).toHaveText(stored);

  // The second tab really talked to the second process.
  expect(other.sockets.length).toBeGreaterThan(0);
  expect(other.sockets.every((url) => url.includes(`:${API2_PORT}/`))).toBe(true);
});

test("Stop in the tab that started a reply stops it for a tab on the other process", async ({
  page,
  context,
}) => {
  await register(page);
  await newChat(page, { title: "Stopped here", provider: "GEMINI" });
  const chatUrl = page.url();
  await send(page, "Go slowly");
  await expect(assistantMessages(page).last()).toContainText("Slow reply starts.");

  // Opened while the reply runs: the sidebar marks it, and the chat streams it.
  const other = await openOnSecondApi(context);
  await other.page.goto("/dashboard/chat");
  await expect(runningMark(other.page, "Stopped here")).toBeVisible();
  await other.page.goto(chatUrl);
  const theirs = assistantMessages(other.page).last();
  await expect(theirs).toHaveAttribute("data-status", "streaming");
  await expect(theirs).toContainText("Slow reply starts.");

  await stopButton(page).click();
  await expect(assistantMessages(page).last()).toHaveAttribute("data-status", "stopped");
  await expect(theirs).toHaveAttribute("data-status", "stopped");
  await expect(runningMark(other.page, "Stopped here")).toHaveCount(0);
  await expect(theirs).not.toContainText("slow reply ends");
});

test("after a dropped socket the reply is followed again from the last event seen", async ({
  page,
}) => {
  // Every socket of this tab passes through here, so the test can cut it and read what the
  // app asks for when it comes back.
  const sockets: { close: () => Promise<void> }[] = [];
  const sent: string[] = [];
  await page.routeWebSocket(/\/graphql$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      sent.push(String(message));
      server.send(message);
    });
    sockets.push({ close: () => socket.close({ code: 1012, reason: "restart" }) });
  });

  await register(page);
  await newChat(page, { title: "Dropped", provider: "GEMINI" });

  await send(page, "Go slowly");
  const reply = assistantMessages(page).last();
  await expect(reply).toContainText("w05");
  await sockets.at(-1)!.close();

  await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 45_000 });
  await expect(replyText(reply)).toBeVisible();
  expect(sockets.length).toBeGreaterThan(1);
  // It asked for what comes after what it had, not for the reply again from the start.
  type Subscribe = {
    type: string;
    payload?: { operationName?: string; variables?: { after?: number | null } };
  };
  const follows = sent
    .map((raw) => JSON.parse(raw) as Subscribe)
    .filter((m) => m.type === "subscribe" && m.payload?.operationName === "ReplyEvents");
  expect(follows.length).toBeGreaterThan(0);
  for (const follow of follows) expect(follow.payload?.variables?.after).toBeGreaterThan(0);
});

test("the sidebar and an open chat follow what another tab on the other process does", async ({
  page,
  context,
}) => {
  await register(page);
  const other = await openOnSecondApi(context);
  await other.page.goto("/dashboard/chat");
  await expect(conversations(other.page).getByText("No conversations yet.")).toBeVisible();

  // Created, written to and renamed in the first tab: the second follows without a reload.
  await newChat(page, { title: "Made over there" });
  const theirs = conversations(other.page);
  await expect(theirs.getByRole("link", { name: "Made over there" })).toBeVisible();
  await theirs.getByRole("link", { name: "Made over there" }).click();
  await expect(
    other.page.getByRole("heading", { level: 1, name: "Made over there" }),
  ).toBeVisible();

  await send(page, "Hello from the first tab");
  await expect(assistantMessages(other.page).last()).toContainText("demo provider");
  await expect(userMessages(other.page).last()).toContainText("Hello from the first tab");

  await conversations(page).getByRole("button", { name: "Rename Made over there" }).click();
  await conversations(page).getByLabel("Conversation title").fill("Renamed over there");
  await conversations(page).getByLabel("Conversation title").press("Enter");
  await expect(theirs.getByRole("link", { name: "Renamed over there" })).toBeVisible();
  await expect(
    other.page.getByRole("heading", { level: 1, name: "Renamed over there" }),
  ).toBeVisible();

  // Deleted there: gone from this sidebar, and the open chat says so.
  await conversations(page).getByRole("button", { name: "Delete Renamed over there" }).click();
  await page
    .getByRole("alertdialog", { name: "Delete this conversation?" })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(theirs.getByRole("link", { name: "Renamed over there" })).toBeHidden();
  await expect(
    other.page.getByRole("heading", { level: 1, name: "Conversation not found" }),
  ).toBeVisible();
});
