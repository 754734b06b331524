// The web app's HTTP server: Next.js, behind a few lines that set X-Forwarded-For to the
// client address this server can vouch for. Next fills that header in only when it is
// missing, so under `next start` a client could name any address it liked, and the
// API's per-address sign-in limits would count nothing.
//
//   node server.mjs [--dev] [--port 3000] [--hostname 0.0.0.0]
//
// Settings come from the environment, then the root .env (root-env.mjs); the port from
// --port, else PORT, else WEB_PORT, else 3000.
//
// WEB_TRUSTED_PROXIES: comma-separated IPs/CIDRs of reverse proxies in front of this
// server (empty: none, the socket peer is the client).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadRootEnv } from "./root-env.mjs";
import {
  markForwardedForRewritten,
  parseTrustedProxies,
  rewriteForwardedFor,
} from "./src/lib/server/client-address.mjs";

const { values: args } = parseArgs({
  options: {
    dev: { type: "boolean", default: false },
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
  },
});
const dev = args.dev;
// Before Next loads: in development it compiles with these (NEXT_PUBLIC_* inlined), and the
// server's own route handlers read them at run time.
const rootEnv = loadRootEnv();
const portSetting = args.port ?? (process.env.PORT || process.env.WEB_PORT || "3000");
const port = Number(portSetting);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  throw new Error(`Not a port: ${portSetting}`);
}
// Unset means every interface, as with `next start`.
const hostname = args.hostname;
const trustedProxies = parseTrustedProxies(process.env.WEB_TRUSTED_PROXIES);

// As `next dev` / `next start` do; set before Next (and React) are loaded.
process.env.NODE_ENV = dev ? "development" : "production";
const { default: next } = await import("next");

const server = createServer();
const app = next({
  dev,
  dir: fileURLToPath(new URL(".", import.meta.url)),
  hostname: hostname ?? "localhost",
  port,
  httpServer: server,
});
const handle = app.getRequestHandler();
await app.prepare();
markForwardedForRewritten();

server.on("request", (req, res) => {
  rewriteForwardedFor(req, trustedProxies);
  handle(req, res).catch((error) => {
    console.error("Request failed", req.url, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

// WebSocket upgrades (dev HMR) are answered by the listener Next adds to `httpServer` at
// its first request; this one, added before it, runs first and fixes the header for it.
// (`app.getUpgradeHandler()` does not serve HMR for a custom server in Next 16.)
server.on("upgrade", (req, socket) => {
  rewriteForwardedFor(req, trustedProxies);
  // Next has not attached yet (no page was requested): nobody else would answer.
  if (server.listenerCount("upgrade") === 1) socket.destroy();
});

server.listen(port, hostname, () => {
  const shown = !hostname || hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  const host = shown.includes(":") ? `[${shown}]` : shown;
  const address = server.address();
  const url = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  const mode = dev ? "development" : "production";
  const proxies = `${trustedProxies.size || "no"} trusted prox${trustedProxies.size === 1 ? "y" : "ies"}`;
  console.log(`> Parley web (${mode}) listening on ${url}, ${proxies}`);
  // A production build uses the API URL it was built with: say that one, not today's setting.
  const builtWith = dev ? null : readBuiltApiUrl();
  const apiUrl = builtWith ?? rootEnv.graphqlUrl;
  const source = rootEnv.file ? `settings from ${rootEnv.file}` : "no .env found";
  console.log(`> API: ${apiUrl} (${source})`);
  if (builtWith && builtWith !== rootEnv.graphqlUrl) {
    console.warn(
      `> Warning: this build calls ${builtWith}, but the settings now say ${rootEnv.graphqlUrl}: rebuild (next build) to follow them.`,
    );
  }
});

/** The API URL baked into the production build (next.config.ts writes it next to the build). */
function readBuiltApiUrl() {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  try {
    const file = new URL(`${distDir}/parley-api-url.txt`, new URL(".", import.meta.url));
    return readFileSync(fileURLToPath(file), "utf8").trim() || null;
  } catch {
    return null;
  }
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    // Finish the requests in flight; open keep-alive or HMR sockets get a few seconds.
    setTimeout(() => process.exit(0), 5000).unref();
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  });
}
