import { expect, test } from "@playwright/test";
import { register } from "./helpers";

test("explorer runs queries as the signed-in user", async ({ page }) => {
  const user = await register(page);
  await page.getByRole("link", { name: "API explorer" }).click();
  await expect(page).toHaveURL(/\/explorer$/);
  const run = page.getByRole("button", { name: /execute query/i });
  await expect(run).toBeVisible({ timeout: 20_000 });
  // The button shows before the editor exists, and a click then does nothing.
  await expect(page.locator(".graphiql-query-editor")).toContainText("query Me");
  await run.click();
  await expect(page.locator(".graphiql-response")).toContainText(user.email, { timeout: 15_000 });
});
