import { NextResponse, type NextRequest } from "next/server";
import { REFRESH_COOKIE } from "@/lib/auth/shared";
import { GRAPHQL_URL } from "@/lib/env";
import { contentSecurityPolicy, createNonce } from "@/lib/security/content-security-policy";

/** Pages the route guard looks after; every other page only gets the CSP. */
function isGuarded(pathname: string): boolean {
  return (
    ["/", "/login", "/register", "/dashboard", "/explorer"].includes(pathname) ||
    pathname.startsWith("/dashboard/") ||
    pathname.startsWith("/explorer/")
  );
}

/**
 * Route guard, run before any protected page renders. It can only see whether the
 * refresh cookie exists (validating it would spend it: the API rotates on every use);
 * a stale cookie is cleared by /api/auth/refresh, after which this guard lets the
 * user reach /login.
 */
function guard(request: NextRequest): NextResponse | null {
  const signedIn = request.cookies.has(REFRESH_COOKIE);
  const { pathname, search } = request.nextUrl;
  const isAuthPage = pathname === "/login" || pathname === "/register";
  const isPublic = isAuthPage || pathname === "/";

  if (!signedIn && !isPublic) {
    const url = new URL("/login", request.url);
    url.searchParams.set("next", pathname + search);
    return NextResponse.redirect(url);
  }
  if (signedIn && isPublic) {
    return NextResponse.redirect(new URL("/dashboard/chat", request.url));
  }
  return null;
}

/**
 * Every page gets a Content-Security-Policy with a nonce of its own. Next reads the nonce
 * from the policy on the request and puts it on the scripts it renders; the root layout
 * reads `x-nonce` for next-themes' inline script. Both request headers are set here, so
 * a client cannot choose them.
 */
export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const policy = contentSecurityPolicy({
    nonce,
    graphqlUrl: GRAPHQL_URL,
    dev: process.env.NODE_ENV === "development",
  });

  let response = isGuarded(request.nextUrl.pathname) ? guard(request) : null;
  if (!response) {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", policy);
    headers.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Every page, but not the built files, image optimizer or route handlers (JSON only).
  matcher: ["/((?!_next/static/|_next/image|api/|favicon\\.ico).*)"],
};
