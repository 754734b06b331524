import { RefreshTokenDocument } from "@/gql/graphql";
import {
  apiErrorResponse,
  authRoute,
  callApi,
  clearRefreshCookie,
  errorResponse,
  forwardedFor,
  sessionResponse,
} from "@/lib/auth/server";
import { REFRESH_COOKIE } from "@/lib/auth/shared";

/**
 * Trades the refresh cookie for a new access token. The API rotates the refresh token
 * on every call (a reused one revokes the session), so the client serialises calls to
 * this route; see lib/auth/session.ts.
 */
export const POST = authRoute(async (request) => {
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!refreshToken) return errorResponse("UNAUTHENTICATED", "Signed out.");
  const result = await callApi(
    RefreshTokenDocument,
    { refreshToken },
    { clientIp: forwardedFor(request) },
  );
  if (!result.data?.session) {
    const response = apiErrorResponse(result.errors?.[0]);
    // A spent, expired or revoked token will never work again: drop it so the proxy
    // stops treating this browser as signed in.
    return response.status === 401 ? clearRefreshCookie(response) : response;
  }
  return sessionResponse(request, result.data.session);
});
