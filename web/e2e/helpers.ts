import { expect, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";

let counter = 0;

/** A unique account per test, so tests run in parallel without sharing state. */
export function newUser() {
  counter += 1;
  const id = `${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
  return {
    fullName: `Test User ${counter}`,
    email: `e2e-${id}@example.com`,
    password: "correct horse battery",
  };
}

export async function register(page: Page, user = newUser()) {
  await page.goto("/register");
  await page.getByLabel("Full name").fill(user.fullName);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
  return user;
}

/**
 * "New chat" opens the type-first page; a title and a system prompt are set in the dialog
 * behind its "Title and system prompt" button.
 */
export async function openChatOptions(page: Page) {
  await page.getByRole("button", { name: "New chat", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
  await page.getByRole("button", { name: "Title and system prompt" }).click();
  return page.getByRole("dialog", { name: "New chat", exact: true });
}

/** A chat made through the options dialog (so it has a title before its first message). */
export async function newChat(
  page: Page,
  {
    title,
    provider = "DEMO",
    systemPrompt,
  }: { title: string; provider?: string; systemPrompt?: string },
) {
  const dialog = await openChatOptions(page);
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByLabel("Provider").selectOption(provider);
  if (systemPrompt) await dialog.getByLabel("System prompt").fill(systemPrompt);
  await dialog.getByRole("button", { name: "Start chat" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/dashboard\/chat\/[^/]+$/);
  // Untitled chats are "New chat" until their first message names them.
  await expect(page.getByRole("heading", { level: 1, name: title || "New chat" })).toBeVisible();
}

export function conversations(page: Page) {
  return page.getByRole("navigation", { name: "Conversations" });
}

export function assistantMessages(page: Page) {
  return page
    .getByRole("feed", { name: "Chat history" })
    .getByRole("article", { name: "Assistant said" });
}

export function userMessages(page: Page) {
  return page
    .getByRole("feed", { name: "Chat history" })
    .getByRole("article", { name: "You said" });
}

export async function send(page: Page, text: string) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByLabel("Message", { exact: true }).press("Enter");
}

const API_PORT = Number(process.env.E2E_API_PORT || 8200);
export const API2_PORT = Number(process.env.E2E_API2_PORT || 8202);

/**
 * Points a page's app at another API process: the API's URL is built into the app, so the
 * page's fetch and WebSocket are redirected before any script runs. Needs `bypassCSP` in the
 * context (the page's policy names only the first API).
 */
export async function retargetApi(page: Page, port: number) {
  await page.addInitScript(
    ({ from, to }) => {
      const retarget = (url: string) => url.replace(`//localhost:${from}/`, `//localhost:${to}/`);
      const nativeFetch = window.fetch.bind(window);
      window.fetch = (input, init) =>
        nativeFetch(typeof input === "string" ? retarget(input) : input, init);
      const NativeWebSocket = window.WebSocket;
      window.WebSocket = class extends NativeWebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(retarget(String(url)), protocols);
        }
      };
    },
    { from: API_PORT, to: port },
  );
}

/**
 * A second tab of the same browser (same session) whose app talks to the second API process
 * (see retargetApi). The returned list fills with the tab's socket URLs.
 */
export async function openOnSecondApi(context: BrowserContext) {
  const page = await context.newPage();
  const sockets: string[] = [];
  page.on("websocket", (socket) => sockets.push(socket.url()));
  await retargetApi(page, API2_PORT);
  return { page, sockets };
}

export function runningMark(page: Page, title: string) {
  return conversations(page)
    .getByRole("link", { name: title })
    .getByRole("img", { name: "Reply running" });
}

/**
 * Records, from inside the page, every length the last reply's text takes and whether a Stop
 * button was up meanwhile. Sampling from the test instead races the stream on a busy machine:
 * a short reply can finish between two checks.
 */
export async function watchReplies(page: Page) {
  await page.evaluate(() => {
    const seen = { lengths: [] as number[], stop: false };
    (window as unknown as { __replyWatch: typeof seen }).__replyWatch = seen;
    new MutationObserver(() => {
      const replies = document.querySelectorAll(
        '[aria-label="Chat history"] article[aria-label="Assistant said"]',
      );
      const last = replies[replies.length - 1] as HTMLElement | undefined;
      const length = last?.innerText.length ?? 0;
      if (length > 0 && seen.lengths[seen.lengths.length - 1] !== length) seen.lengths.push(length);
      for (const button of document.querySelectorAll("button")) {
        if (button.textContent?.trim() === "Stop" || button.getAttribute("aria-label") === "Stop") {
          seen.stop = true;
        }
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () =>
    page.evaluate(
      () =>
        (window as unknown as { __replyWatch: { lengths: number[]; stop: boolean } }).__replyWatch,
    );
}

export const API_URL = `http://127.0.0.1:${process.env.E2E_API_PORT || 8200}/graphql`;

/** One GraphQL call straight to the API (seeding data a test needs); fails on any error. */
export async function gql<T>(
  request: APIRequestContext,
  query: string,
  variables: object,
  token?: string,
) {
  const response = await request.post(API_URL, {
    data: { query, variables },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}
