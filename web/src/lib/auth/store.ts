import { create } from "zustand";
import type { UserFieldsFragment } from "@/gql/graphql";

/**
 * Auth state lives only in memory: the access token must never reach storage that
 * page scripts (or an XSS payload) could read later. The refresh token is an httpOnly
 * cookie handled by the Next route handlers, so a reload restores the session from it.
 */
export type AuthStatus = "unknown" | "authenticated" | "anonymous";

export interface AuthSession {
  accessToken: string;
  /** Epoch milliseconds when the access token stops being accepted. */
  expiresAt: number;
  user: UserFieldsFragment;
}

interface AuthState {
  status: AuthStatus;
  accessToken: string | null;
  expiresAt: number;
  user: UserFieldsFragment | null;
  setSession: (session: AuthSession) => void;
  clear: () => void;
}

export const useAuthStore = create<AuthState>()((set) => ({
  status: "unknown",
  accessToken: null,
  expiresAt: 0,
  user: null,
  setSession: ({ accessToken, expiresAt, user }) =>
    set({ status: "authenticated", accessToken, expiresAt, user }),
  clear: () => set({ status: "anonymous", accessToken: null, expiresAt: 0, user: null }),
}));

/** Refresh a little before expiry so in-flight requests do not race the deadline. */
export const EXPIRY_MARGIN_MS = 30_000;

export function isAccessTokenFresh(
  state: Pick<AuthState, "accessToken" | "expiresAt">,
  now = Date.now(),
) {
  return state.accessToken !== null && state.expiresAt - EXPIRY_MARGIN_MS > now;
}
