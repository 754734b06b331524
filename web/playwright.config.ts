import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in Debian's Chromium against the real API and a production build of
 * the web app. Playwright starts (and stops) every server itself: see e2e/servers/.
 * Two API processes share the database and Redis, as in production behind a balancer.
 * Needs: PostgreSQL and Redis on localhost, `uv sync` done in api/, /usr/bin/chromium.
 */
const API_PORT = Number(process.env.E2E_API_PORT || 8200);
const API2_PORT = Number(process.env.E2E_API2_PORT || 8202);
// As e2e/servers/env.sh: next to the first unless set.
const API3_PORT = Number(process.env.E2E_API3_PORT || API_PORT + 4);
const WEB_PORT = Number(process.env.E2E_WEB_PORT || 3200);
const FAKE_PROVIDER_PORT = Number(process.env.E2E_FAKE_PROVIDER_PORT || 8201);
const SLOW_PROVIDER_PORT = Number(process.env.E2E_SLOW_PROVIDER_PORT || 8203);
const CI = !!process.env.CI;

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  // Two cores: the browser, the API and Next share them.
  workers: 2,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://localhost:${WEB_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
      command: "bash e2e/servers/fake-provider.sh",
      port: FAKE_PROVIDER_PORT,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: "bash e2e/servers/slow-provider.sh",
      port: SLOW_PROVIDER_PORT,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
    },
    {
      command: "bash e2e/servers/api.sh",
      url: `http://127.0.0.1:${API_PORT}/health_check`,
      timeout: 120_000,
      reuseExistingServer: false,
    },
    {
      // A second API process sharing the database and Redis: the web app talks to the
      // first; e2e/helpers.ts points a tab at this one (durable-replies.spec.ts).
      command: "bash e2e/servers/api.sh --second",
      url: `http://127.0.0.1:${API2_PORT}/health_check`,
      timeout: 120_000,
      reuseExistingServer: false,
    },
    {
      // A third, with a token budget and provider fallback (the first has neither, as the
      // other specs expect); e2e/insights-helpers.ts points a page at it.
      command: "bash e2e/servers/api.sh --insights",
      url: `http://127.0.0.1:${API3_PORT}/health_check`,
      timeout: 120_000,
      reuseExistingServer: false,
    },
    {
      command: "bash e2e/servers/web.sh",
      url: `http://localhost:${WEB_PORT}/login`,
      timeout: 300_000,
      reuseExistingServer: false,
    },
  ],
});
