import { NextResponse } from "next/server";
import { LogoutDocument } from "@/gql/graphql";
import { authRoute, callApi, clearRefreshCookie, forwardedFor } from "@/lib/auth/server";
import { REFRESH_COOKIE } from "@/lib/auth/shared";

/**
 * Revokes the session at the API (and blacklists the access token the page sends),
 * then clears the cookie whatever the API said: signing out must always work locally.
 */
export const POST = authRoute(async (request) => {
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value ?? null;
  const accessToken = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") || undefined;
  try {
    await callApi(
      LogoutDocument,
      { refreshToken },
      { accessToken, clientIp: forwardedFor(request) },
    );
  } catch {
    // The API being down must not keep the user signed in on this browser.
  }
  return clearRefreshCookie(NextResponse.json({ ok: true }));
});
