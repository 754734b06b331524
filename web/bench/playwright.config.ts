import { defineConfig } from "@playwright/test";
import base from "../playwright.config";

/**
 * Performance measurements on a production build in Chromium, against the same servers as
 * the e2e suite. Run with `pnpm --filter web bench`; results land in bench/results/.
 */
export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: "*.bench.ts",
  workers: 1,
  retries: 0,
  timeout: 300_000,
  reporter: [["list"]],
  use: { ...base.use, trace: "off", screenshot: "off" },
  webServer: (Array.isArray(base.webServer) ? base.webServer : []).map((server) => ({
    ...server,
    // Commands run from this directory: point them at the e2e server scripts.
    command: server.command.replace("e2e/servers", "../e2e/servers"),
  })),
});
