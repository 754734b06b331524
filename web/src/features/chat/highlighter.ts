import type { HighlighterCore } from "shiki/core";

/**
 * Loaded only when a code block first appears (never part of the first load). Uses the
 * JavaScript regex engine (no WebAssembly download) and a short list of languages that
 * chats mostly contain; anything else falls back to plain text.
 */
const LANGUAGES = {
  bash: () => import("shiki/langs/bash.mjs"),
  c: () => import("shiki/langs/c.mjs"),
  cpp: () => import("shiki/langs/cpp.mjs"),
  csharp: () => import("shiki/langs/csharp.mjs"),
  docker: () => import("shiki/langs/docker.mjs"),
  dotenv: () => import("shiki/langs/dotenv.mjs"),
  css: () => import("shiki/langs/css.mjs"),
  diff: () => import("shiki/langs/diff.mjs"),
  go: () => import("shiki/langs/go.mjs"),
  html: () => import("shiki/langs/html.mjs"),
  java: () => import("shiki/langs/java.mjs"),
  javascript: () => import("shiki/langs/javascript.mjs"),
  json: () => import("shiki/langs/json.mjs"),
  kotlin: () => import("shiki/langs/kotlin.mjs"),
  php: () => import("shiki/langs/php.mjs"),
  ruby: () => import("shiki/langs/ruby.mjs"),
  swift: () => import("shiki/langs/swift.mjs"),
  toml: () => import("shiki/langs/toml.mjs"),
  jsx: () => import("shiki/langs/jsx.mjs"),
  markdown: () => import("shiki/langs/markdown.mjs"),
  python: () => import("shiki/langs/python.mjs"),
  rust: () => import("shiki/langs/rust.mjs"),
  sql: () => import("shiki/langs/sql.mjs"),
  tsx: () => import("shiki/langs/tsx.mjs"),
  typescript: () => import("shiki/langs/typescript.mjs"),
  yaml: () => import("shiki/langs/yaml.mjs"),
} as const;

type Language = keyof typeof LANGUAGES;

const ALIASES: Record<string, Language> = {
  js: "javascript",
  mjs: "javascript",
  ts: "typescript",
  py: "python",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  yml: "yaml",
  md: "markdown",
  rs: "rust",
  golang: "go",
  env: "dotenv",
  dockerfile: "docker",
  "c++": "cpp",
  cs: "csharp",
  rb: "ruby",
  kt: "kotlin",
};

export function resolveLanguage(lang: string | undefined): Language | null {
  if (!lang) return null;
  const name = lang.toLowerCase();
  if (name in LANGUAGES) return name as Language;
  return ALIASES[name] ?? null;
}

let highlighter: Promise<HighlighterCore> | null = null;
const loaded = new Set<Language>();

function getHighlighter(): Promise<HighlighterCore> {
  highlighter ??= Promise.all([import("shiki/core"), import("shiki/engine/javascript")]).then(
    ([{ createHighlighterCore }, { createJavaScriptRegexEngine }]) =>
      createHighlighterCore({
        themes: [import("shiki/themes/github-light.mjs"), import("shiki/themes/github-dark.mjs")],
        langs: [],
        engine: createJavaScriptRegexEngine(),
      }),
  );
  return highlighter;
}

/** HTML for a code block with both themes as CSS variables, or null for unknown languages. */
export async function highlight(code: string, lang: string | undefined): Promise<string | null> {
  const language = resolveLanguage(lang);
  if (!language) return null;
  const core = await getHighlighter();
  if (!loaded.has(language)) {
    await core.loadLanguage(LANGUAGES[language]());
    loaded.add(language);
  }
  return core.codeToHtml(code, {
    lang: language,
    themes: { light: "github-light", dark: "github-dark" },
    defaultColor: false,
  });
}
