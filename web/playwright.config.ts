import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in Debian's Chromium against the real API and a production build of
 * the web app. Playwright starts (and stops) all three servers itself: see e2e/servers/.
 * Needs: PostgreSQL and Redis on localhost, `uv sync` done in api/, /usr/bin/chromium.
 */
const API_PORT = Number(process.env.E2E_API_PORT || 8200);
const WEB_PORT = Number(process.env.E2E_WEB_PORT || 3200);
const FAKE_PROVIDER_PORT = Number(process.env.E2E_FAKE_PROVIDER_PORT || 8201);
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
      command: "bash e2e/servers/api.sh",
      url: `http://127.0.0.1:${API_PORT}/health_check`,
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
