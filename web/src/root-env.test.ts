// @vitest-environment node
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { graphqlUrl, loadRootEnv, parseEnv } from "../root-env.mjs";

function envFile(text: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "parley-env-")), ".env");
  writeFileSync(file, text);
  return file;
}

describe("root-env", () => {
  it("parses KEY=VALUE lines, skipping comments and dropping quotes", () => {
    expect(parseEnv('# c\nA=1\n\nexport B="two words"\nnot a line\nC=\n')).toEqual({
      A: "1",
      B: "two words",
      C: "",
    });
  });

  it("fills what the environment leaves unset, and the environment wins", () => {
    const file = envFile("API_PORT=8341\nWEB_PORT=3341\nSECRET_KEY=from-file\n");
    const env: Record<string, string | undefined> = {
      PARLEY_ENV_FILE: file,
      SECRET_KEY: "from-env",
      WEB_PORT: "",
    };
    expect(loadRootEnv(env)).toEqual({ file, graphqlUrl: "http://localhost:8341/graphql" });
    expect(env).toMatchObject({
      API_PORT: "8341",
      WEB_PORT: "3341",
      SECRET_KEY: "from-env",
      NEXT_PUBLIC_GRAPHQL_URL: "http://localhost:8341/graphql",
    });
  });

  it("an API URL that is set wins over the port; without a file, the defaults", () => {
    const file = envFile(
      "API_PORT=8341\nNEXT_PUBLIC_GRAPHQL_URL=https://api.example.com/graphql\n",
    );
    expect(loadRootEnv({ PARLEY_ENV_FILE: file }).graphqlUrl).toBe(
      "https://api.example.com/graphql",
    );
    const missing = path.join(tmpdir(), "parley-no-such-dir", ".env");
    expect(loadRootEnv({ PARLEY_ENV_FILE: missing })).toEqual({
      file: null,
      graphqlUrl: "http://localhost:8000/graphql",
    });
    expect(graphqlUrl({ API_PORT: "9000" })).toBe("http://localhost:9000/graphql");
  });
});
