import { expect, test, type APIRequestContext } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * What address the web server passes on to the API when signing in. The suite's API has
 * its auth limit lifted, so instead these tests start the production build (server.mjs)
 * a second time with the API URL pointed at a recorder that keeps each X-Forwarded-For.
 */
const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const FIRST_PORT = Number(process.env.E2E_WEB_PORT || 3200) + 10;

// In one worker, one after the other: each test starts a Next server of its own.
test.describe.configure({ mode: "default" });

let recorder: Server;
let seen: (string | undefined)[] = [];

test.beforeAll(async () => {
  recorder = createServer((req, res) => {
    seen.push(req.headers["x-forwarded-for"] as string | undefined);
    req.resume();
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        errors: [{ message: "Wrong email or password.", extensions: { code: "UNAUTHENTICATED" } }],
      }),
    );
  });
  recorder.listen(0, "127.0.0.1");
  await once(recorder, "listening");
});

test.afterAll(() => {
  recorder.close();
});

test.beforeEach(() => {
  seen = [];
});

async function startWeb(port: number, trustedProxies: string) {
  const child = spawn("node", ["server.mjs", "--port", String(port)], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: ".next-e2e",
      GRAPHQL_INTERNAL_URL: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/graphql`,
      WEB_TRUSTED_PROXIES: trustedProxies,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(`listening on http://localhost:${port}`)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`server.mjs exited (${code}): ${log}`)));
  });
  return child;
}

async function stopWeb(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

async function failSignIns(api: APIRequestContext, forwardedFor: (i: number) => string) {
  for (let i = 1; i <= 5; i += 1) {
    const response = await api.post("/api/auth/login", {
      headers: { "x-forwarded-for": forwardedFor(i) },
      data: { email: "someone@example.com", password: "wrong password" },
    });
    expect(response.status()).toBe(401);
  }
}

test("a client's own X-Forwarded-For never reaches the API", async ({ playwright }) => {
  const web = await startWeb(FIRST_PORT, "");
  try {
    const api = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${FIRST_PORT}` });
    await failSignIns(api, (i) => `203.0.113.${i}`);
    // Every guess counts against the one address that connected.
    expect(seen).toEqual(Array(5).fill("127.0.0.1"));
    await api.dispose();
  } finally {
    await stopWeb(web);
  }
});

test("behind a trusted proxy, the hop that proxy saw is forwarded", async ({ playwright }) => {
  const web = await startWeb(FIRST_PORT + 1, "127.0.0.1/32,::1/128");
  try {
    const api = await playwright.request.newContext({
      baseURL: `http://127.0.0.1:${FIRST_PORT + 1}`,
    });
    // The "proxy" (this test, from 127.0.0.1) appended 198.51.100.7 to what the client claimed.
    await failSignIns(api, (i) => `203.0.113.${i}, 198.51.100.7`);
    expect(seen).toEqual(Array(5).fill("198.51.100.7"));
    await api.dispose();
  } finally {
    await stopWeb(web);
  }
});
