import { toWebSocketUrl } from "@/lib/env";

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** The API's HTTP and WebSocket origins, which the page talks to directly. */
function apiOrigins(graphqlUrl: string): string[] {
  try {
    return [new URL(graphqlUrl).origin, new URL(toWebSocketUrl(graphqlUrl)).origin];
  } catch {
    return []; // A relative URL is covered by 'self'.
  }
}

/**
 * The page's Content-Security-Policy. Scripts run only with this response's nonce (Next
 * puts it on its own scripts; 'strict-dynamic' lets those load the app's chunks), so an
 * injected <script> or inline handler does not run. Styles allow inline: Shiki writes
 * style attributes, and Radix and GraphiQL's editor add <style> elements at run time.
 * Images come only from this origin (a reply cannot make the browser call another host)
 * or data:/blob: URLs, which send nothing anywhere.
 */
export function contentSecurityPolicy({
  nonce,
  graphqlUrl,
  dev,
}: {
  nonce: string;
  graphqlUrl: string;
  dev: boolean;
}): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // React's development build evaluates code to rebuild server error stacks.
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    // GraphiQL's stylesheet embeds its fonts as data: URLs.
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", ...apiOrigins(graphqlUrl)],
    // GraphiQL's editor runs its language services in workers served from /_next/static.
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${[...new Set(sources)].join(" ")}`)
    .join("; ");
}
