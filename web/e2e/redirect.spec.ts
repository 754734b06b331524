import { expect, test } from "@playwright/test";
import { register } from "./helpers";

// `next` values that Chromium's router would take off the app's origin: a backslash reads
// as a slash, and a tab or newline after the first slash is dropped ("//evil.example").
const HOSTILE_NEXT = ["/%5Cevil.example", "/%09/evil.example", "/%0A/evil.example"];

test("signing in never follows ?next= to another origin", async ({ page, baseURL }) => {
  // Had a redirect escaped, the evil page would load (rather than a DNS error page), so the
  // check below would see its address.
  await page.context().route(
    (url) => url.hostname === "evil.example",
    (route) => route.fulfill({ body: "evil" }),
  );
  const user = await register(page);

  for (const next of HOSTILE_NEXT) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // page.url can lag a client-side replace; location.href is what the browser shows
    // (read again while a navigation replaces the page).
    const href = () => page.evaluate(() => location.href).catch(() => "/login");
    await expect.poll(href).not.toContain("/login");
    expect(await href(), next).toBe(`${baseURL}/dashboard/chat`);
  }
});

test("signing in still goes to a same-origin ?next= page", async ({ page, baseURL }) => {
  const user = await register(page);
  await page.context().clearCookies();
  await page.goto(`/login?next=${encodeURIComponent("/explorer?tab=1#top")}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "API explorer" })).toBeVisible();
  expect(await page.evaluate(() => location.href)).toBe(`${baseURL}/explorer?tab=1#top`);
});
