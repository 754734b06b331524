// The repository's root .env is the one place for settings, the web app's included: Next reads
// .env files only from web/, so this loader fills process.env from the root one for the web
// server (server.mjs) and for `next build` / `next dev` (next.config.ts). Variables already in
// the environment win, as they do for the API and the Makefile.
//
// PARLEY_ENV_FILE names another file (tests run a whole stack from a temporary one).
// NEXT_PUBLIC_GRAPHQL_URL, when set nowhere, follows API_PORT: http://localhost:API_PORT/graphql.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DEFAULT_ENV_FILE = fileURLToPath(new URL("../.env", import.meta.url));

/** KEY=VALUE lines (comments, blanks and malformed lines skipped; quotes around a value dropped). */
export function parseEnv(text) {
  const values = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    values[match[1]] = value;
  }
  return values;
}

/** The API's URL as the browser reaches it, from the variables given. */
export function graphqlUrl(env) {
  if (env.NEXT_PUBLIC_GRAPHQL_URL) return env.NEXT_PUBLIC_GRAPHQL_URL;
  return `http://localhost:${env.API_PORT || 8000}/graphql`;
}

/**
 * Fills `env` (process.env by default) from the root .env where it has no value, then derives
 * NEXT_PUBLIC_GRAPHQL_URL. Returns the file read (null when there was none) and the URL.
 */
export function loadRootEnv(env = process.env) {
  const file = env.PARLEY_ENV_FILE || DEFAULT_ENV_FILE;
  const found = existsSync(file);
  if (found) {
    for (const [key, value] of Object.entries(parseEnv(readFileSync(file, "utf8")))) {
      // Empty in the environment counts as unset (`NEXT_PUBLIC_GRAPHQL_URL=` in a shell).
      if (env[key] === undefined || env[key] === "") env[key] = value;
    }
  }
  env.NEXT_PUBLIC_GRAPHQL_URL = graphqlUrl(env);
  return { file: found ? file : null, graphqlUrl: env.NEXT_PUBLIC_GRAPHQL_URL };
}
