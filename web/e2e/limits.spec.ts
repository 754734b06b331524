import { expect, test } from "@playwright/test";
import { openChatOptions, register } from "./helpers";

// The e2e API runs with TITLE_MAX_CHARS=60 (e2e/servers/api.sh), not the default 200: a form
// that wrote its own number would let this title through.
const TITLE_MAX_CHARS = 60;

test("the new-chat form refuses a title over the API's served limit, with its number", async ({
  page,
}) => {
  await register(page);
  const dialog = await openChatOptions(page);
  const title = dialog.getByLabel("Title");
  await title.fill("x".repeat(TITLE_MAX_CHARS + 1));
  await dialog.getByRole("button", { name: "Start chat" }).click();

  await expect(
    dialog.getByText(`Title must be at most ${TITLE_MAX_CHARS} characters.`),
  ).toBeVisible();
  await expect(title).toHaveAttribute("aria-invalid", "true");
  await expect(dialog).toBeVisible();

  // At the limit it goes through.
  await title.fill("y".repeat(TITLE_MAX_CHARS));
  await dialog.getByRole("button", { name: "Start chat" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole("heading", { level: 1, name: "y".repeat(TITLE_MAX_CHARS) }),
  ).toBeVisible();
});
