/**
 * Where the browser reaches the API. NEXT_PUBLIC_* is inlined at build time, so a
 * production image bakes it in via a build arg.
 */
export const GRAPHQL_URL = process.env.NEXT_PUBLIC_GRAPHQL_URL || "http://localhost:8000/graphql";

/** The graphql-transport-ws endpoint lives on the same path: swap the scheme. */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//, (_match, secure: string) => `ws${secure}://`);
}

export const GRAPHQL_WS_URL = toWebSocketUrl(GRAPHQL_URL);
