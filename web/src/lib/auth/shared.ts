import type { AuthPayloadFieldsFragment } from "@/gql/graphql";

/** The httpOnly cookie holding the API's refresh token; page JavaScript never sees it. */
export const REFRESH_COOKIE = "parley_refresh";

/** What the auth route handlers return to the page: the AuthPayload minus the refresh token. */
export type SessionResponse = Omit<AuthPayloadFieldsFragment, "refreshToken">;

/** Error body of the auth route handlers (API error codes pass through). */
export interface AuthErrorBody {
  error: { code: string; message: string; field?: string };
}
