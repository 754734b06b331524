import { expect, test } from "@playwright/test";
import { newUser, register } from "./helpers";

test("guards: signed-out visitors are sent to /login", async ({ page }) => {
  await page.goto("/dashboard/chat");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard%2Fchat$/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("register, stay signed in across reloads, bounce from /login, sign out", async ({ page }) => {
  const user = await register(page);
  await expect(page.getByRole("navigation", { name: "Conversations" })).toBeVisible();

  // The refresh token is an httpOnly cookie: page scripts cannot see it.
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "parley_refresh")?.httpOnly).toBe(true);
  expect(await page.evaluate(() => document.cookie)).not.toContain("parley_refresh");

  // The theme toggle flips the class on <html> and survives the reload below.
  const html = page.locator("html");
  const wasDark = ((await html.getAttribute("class")) ?? "").includes("dark");
  await page.getByRole("button", { name: "Toggle theme" }).click();
  await expect(html).toHaveClass(wasDark ? /light/ : /dark/);

  await page.reload();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(html).toHaveClass(wasDark ? /light/ : /dark/);

  await page.goto("/login");
  await expect(page).toHaveURL(/\/dashboard\/chat$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/dashboard/chat");
  await expect(page).toHaveURL(/\/login/);

  // And back in with the same account.
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/);
});

test("forms show inline field errors and server errors", async ({ page }) => {
  await page.goto("/register");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Full name").fill("Someone");
  await page.getByLabel("Email").fill("someone@example.com");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 8 characters.")).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("Email").fill(newUser().email);
  await page.getByLabel("Password").fill("wrong password!");
  await page.getByRole("button", { name: "Sign in" }).click();
  // (Next.js also renders an empty role=alert route announcer; match ours by its text.)
  await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});
