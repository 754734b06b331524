/**
 * Browsers drop tabs and newlines from URLs and read a backslash as a slash, so a `next`
 * containing them can name another origin however it starts ("/\evil.example",
 * "/\t/evil.example"). Such values are refused outright, not repaired.
 */
const UNSAFE_CHARACTERS = /[\\\u0000-\u001f\u007f-\u009f]/;

/**
 * Where to go after signing in: `next` when it is a path on `origin`, else `fallback`.
 * The check is made on the URL the browser itself would build, never on the string's
 * shape, and what is returned is that URL's own path, so it cannot mean anything else.
 */
export function redirectTarget(next: string | null, origin: string, fallback: string): string {
  if (!next || !next.startsWith("/") || UNSAFE_CHARACTERS.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  // "/.//evil.example" parses to the path "//evil.example": as a link that is another host.
  if (url.origin !== origin || path.startsWith("//")) return fallback;
  return path;
}
