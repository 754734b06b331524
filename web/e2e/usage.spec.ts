import { expect, test, type Page } from "@playwright/test";
import { gql } from "./helpers";
import {
  API3_URL,
  apiUser,
  createConversation,
  sendMessage,
  signIn,
  useInsightsApi,
} from "./insights-helpers";

const USAGE = `query { usage {
  totalTokens promptTokens completionTokens replies
  byModel { provider model totalTokens replies }
  budget { limit used remaining resetsAt }
} }`;

interface Usage {
  usage: {
    totalTokens: number;
    promptTokens: number;
    completionTokens: number;
    replies: number;
    byModel: { provider: string; model: string; totalTokens: number; replies: number }[];
    budget: { limit: number; used: number; remaining: number; resetsAt: string } | null;
  };
}

const number = (value: number) => value.toLocaleString("en-US");

function stat(page: Page, label: string) {
  return page.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("+ dd");
}

async function openUsage(page: Page) {
  await page.getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
}

test("the usage page shows what a reply spent: totals, a bar for today, a row for the model", async ({
  page,
  request,
}) => {
  const { user, token } = await apiUser(request);
  const id = await createConversation(request, token, "Spending", "ANTHROPIC");
  await sendMessage(request, token, id, "Hello there");
  const { usage } = await gql<Usage>(request, USAGE, {}, token);
  // The numbers come from the API (the fake provider reports them); a reply was counted.
  expect(usage.replies).toBe(1);
  expect(usage.totalTokens).toBeGreaterThan(0);

  await signIn(page, user);
  await openUsage(page);
  await expect(stat(page, "Total tokens")).toHaveText(number(usage.totalTokens));
  await expect(stat(page, "Prompt tokens")).toHaveText(number(usage.promptTokens));
  await expect(stat(page, "Completion tokens")).toHaveText(number(usage.completionTokens));
  await expect(stat(page, "Replies")).toHaveText("1");

  // The chart drew one bar (today's); its numbers are in the table behind "Show as a table".
  const chart = page.getByTestId("usage-chart");
  await expect(chart.locator("svg.recharts-surface")).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle path")).toHaveCount(1);
  await page.getByText("Show as a table").click();
  const today = new Date().toISOString().slice(0, 10);
  await expect(
    page.getByRole("table", { name: "Tokens by day (UTC)" }).getByRole("row", { name: today }),
  ).toContainText(number(usage.totalTokens));

  const [model] = usage.byModel;
  const row = page
    .getByRole("table", { name: "By model" })
    .getByRole("row")
    .filter({ hasText: model!.model });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("cell")).toHaveText([
    "ANTHROPIC",
    model!.model,
    "1",
    number(model!.totalTokens),
  ]);
  // No budget is configured on this API: no meter.
  await expect(page.getByRole("meter")).toHaveCount(0);
});

test("a new account's usage page says there is nothing yet", async ({ page, request }) => {
  const { user } = await apiUser(request);
  await signIn(page, user);
  await openUsage(page);
  await expect(page.getByText(/No replies in the last 30 days yet/)).toBeVisible();
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await expect(page.getByText(/No replies in the last 7 days yet/)).toBeVisible();
});

test.describe("with a token budget", () => {
  // The app talks to the API process that has a budget (its address differs from the CSP's).
  test.use({ bypassCSP: true });

  test("the usage page shows the budget as a meter: limit, used, remaining, reset", async ({
    page,
    request,
  }) => {
    const { user, token } = await apiUser(request);
    const id = await createConversation(request, token, "On a budget", "ANTHROPIC");
    await sendMessage(request, token, id, "Hello there");
    const response = await request.post(API3_URL, {
      data: { query: USAGE },
      headers: { authorization: `Bearer ${token}` },
    });
    const { data } = (await response.json()) as { data: Usage };
    const budget = data.usage.budget!;
    expect(budget.used).toBeGreaterThan(0);
    expect(budget.remaining).toBe(budget.limit - budget.used);

    await useInsightsApi(page);
    await signIn(page, user);
    await openUsage(page);
    const meter = page.getByRole("meter", { name: "Token budget" });
    await expect(meter).toBeVisible();
    await expect(meter).toHaveAttribute("aria-valuemax", String(budget.limit));
    await expect(meter).toHaveAttribute("aria-valuenow", String(budget.used));
    await expect(meter).toHaveAttribute(
      "aria-valuetext",
      `${number(budget.used)} of ${number(budget.limit)} tokens used`,
    );
    await expect(stat(page, "Limit")).toHaveText(number(budget.limit));
    await expect(stat(page, "Used")).toHaveText(number(budget.used));
    await expect(stat(page, "Remaining")).toHaveText(number(budget.remaining));
    await expect(stat(page, "Resets").locator("time")).toHaveAttribute("datetime", budget.resetsAt);
  });
});
