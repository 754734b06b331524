import { NextResponse, type NextRequest } from "next/server";
import { REFRESH_COOKIE } from "@/lib/auth/shared";

/**
 * Route guard, run before any protected page renders. It can only see whether the
 * refresh cookie exists (validating it would spend it: the API rotates on every use);
 * a stale cookie is cleared by /api/auth/refresh, after which this guard lets the
 * user reach /login.
 */
export function proxy(request: NextRequest) {
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
  return NextResponse.next();
}

export const config = {
  matcher: ["/", "/dashboard/:path*", "/explorer/:path*", "/login", "/register"],
};
