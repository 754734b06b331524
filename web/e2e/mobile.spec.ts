import { devices, expect, test } from "@playwright/test";
import { newChat, register, send, assistantMessages } from "./helpers";

const { defaultBrowserType: _ignored, ...pixel } = devices["Pixel 7"];
test.use(pixel);

test("phone: sidebar in a sheet, nothing scrolls sideways", async ({ page }) => {
  await register(page);
  // The desktop sidebar is hidden; the menu button opens it as a sheet.
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeHidden();
  await newChat(page, { title: "Phone chat" });
  await send(page, "Hi from a phone with a rather long message that must wrap nicely");
  await expect(assistantMessages(page).last()).toContainText("DEFAULT_AI_PROVIDER", {
    timeout: 15_000,
  });

  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole("button", { name: "Open conversations" }).click();
  const nav = page.getByRole("navigation", { name: "Conversations" });
  await expect(nav.getByRole("link", { name: "Phone chat" })).toBeVisible();
  await nav.getByRole("link", { name: "Phone chat" }).click();
  await expect(nav).toBeHidden();
});

test("phone: no keyboard hint in the composer, and the explorer asks for a wider screen", async ({
  page,
}) => {
  await register(page);
  await expect(page.getByLabel("Message", { exact: true })).toBeVisible();
  await expect(page.getByText("Enter to send")).toBeHidden();

  await page.goto("/explorer");
  await expect(
    page.getByRole("heading", { name: "The explorer needs a wider screen" }),
  ).toBeVisible();
  // GraphiQL is not loaded on a phone at all.
  await expect(page.locator(".graphiql-container")).toHaveCount(0);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});
