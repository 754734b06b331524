import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { newUser } from "./helpers";

/*
 * The root .env is the one place for settings: ports and database are chosen there alone
 * (`API_PORT=… WEB_PORT=… DATABASE_URL=… make setup` writes them into it), and `make dev`
 * then serves the API and the web app on those ports, the web app calling that API (its URL
 * and the API's CORS origins follow from the ports). Signing up in the browser proves it.
 * The file is a temporary one (PARLEY_ENV_FILE), so a developer's .env is never touched.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const API_PORT = Number(process.env.E2E_ENV_API_PORT || 8340);
const WEB_PORT = Number(process.env.E2E_ENV_WEB_PORT || 3340);
const DATABASE_URL =
  process.env.E2E_ENV_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/parley_envtest";
const REDIS_URL = process.env.E2E_REDIS_URL || "redis://127.0.0.1:6379/6";

// Settings the test runner's own environment may carry (make exports the ports): the stack
// under test must see only the file.
const SETTINGS = [
  "API_PORT",
  "WEB_PORT",
  "PORT",
  "DATABASE_URL",
  "REDIS_URL",
  "SECRET_KEY",
  "CORS_ORIGINS",
  "NEXT_PUBLIC_GRAPHQL_URL",
  "GRAPHQL_INTERNAL_URL",
];

test.describe.configure({ timeout: 420_000 });

let dir = "";
let envFile = "";
let stack: ChildProcess | null = null;
let log = "";

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !SETTINGS.includes(key)) env[key] = value;
  }
  const chosen = { ...env, PARLEY_ENV_FILE: envFile, NEXT_DIST_DIR: ".next-envtest", ...extra };
  return chosen as unknown as NodeJS.ProcessEnv;
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack?.exitCode !== null) throw new Error(`make dev exited:\n${log}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer in time:\n${log}`);
}

test.beforeAll(async () => {
  // Setup, a database, the API and a first compile of the web app in development.
  test.setTimeout(420_000);
  dir = mkdtempSync(path.join(tmpdir(), "parley-envtest-"));
  envFile = path.join(dir, ".env");
  // Chosen before anything is created: make setup writes them into the (new) file.
  const setup = spawnSync("make", ["setup"], {
    cwd: ROOT,
    env: cleanEnv({ API_PORT: String(API_PORT), WEB_PORT: String(WEB_PORT), DATABASE_URL }),
    encoding: "utf8",
  });
  expect(setup.status, setup.stdout + setup.stderr).toBe(0);
  expect(setup.stdout).toContain(`Using API port ${API_PORT}, web port ${WEB_PORT}`);
  const written = readFileSync(envFile, "utf8");
  expect(written).toContain(`API_PORT=${API_PORT}\n`);
  expect(written).toContain(`DATABASE_URL=${DATABASE_URL}\n`);
  // Test-only speed-ups and a Redis db of the e2e suite's, in the same file.
  writeFileSync(envFile, `${written}REDIS_URL=${REDIS_URL}\nBCRYPT_ROUNDS=4\nLOG_LEVEL=WARNING\n`);

  const started = spawn("make", ["dev"], { cwd: ROOT, env: cleanEnv(), detached: true });
  started.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  started.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  stack = started;
  await waitFor(`http://127.0.0.1:${API_PORT}/health_check`, 180_000);
  await waitFor(`http://localhost:${WEB_PORT}/login`, 240_000);
});

test.afterAll(async () => {
  test.setTimeout(60_000);
  if (stack?.pid) {
    // The whole group: make, uvicorn's reloader and worker, the web server.
    try {
      process.kill(-stack.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      process.kill(-stack.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  spawnSync("uv", ["run", "--frozen", "python", "-m", "parley.local_setup", "dropdb"], {
    cwd: path.join(ROOT, "api"),
    env: cleanEnv(),
  });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("ports and database chosen in .env alone: make dev serves them and sign-up works", async ({
  page,
}) => {
  const apiCalls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/graphql")) apiCalls.push(request.url());
  });
  page.on("websocket", (socket) => {
    // Not the dev server's hot-reload socket.
    if (socket.url().includes("/graphql")) apiCalls.push(socket.url());
  });

  const user = newUser();
  await page.goto(`http://localhost:${WEB_PORT}/register`);
  await page.getByLabel("Full name").fill(user.fullName);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard\/chat$/, { timeout: 60_000 });
  await expect(page.getByText("Cannot reach the server")).toHaveCount(0);

  // The browser called the API on the chosen port (CORS allowed the chosen web port), and the
  // web server said which API it uses.
  await expect.poll(() => apiCalls.length, { timeout: 30_000 }).toBeGreaterThan(0);
  expect(
    apiCalls.filter((url) => !url.includes(`:${API_PORT}/graphql`)),
    apiCalls.join(" "),
  ).toEqual([]);
  expect(log).toContain(`> API: http://localhost:${API_PORT}/graphql (settings from ${envFile})`);

  // The account is in the chosen database.
  const found = spawnSync(
    "psql",
    [DATABASE_URL, "-tAc", `SELECT count(*) FROM users WHERE email = '${user.email}'`],
    { encoding: "utf8" },
  );
  expect(found.stdout.trim()).toBe("1");
});
