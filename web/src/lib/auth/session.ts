import type { AuthErrorBody, SessionResponse } from "./shared";
import { isAccessTokenFresh, useAuthStore, type AuthSession } from "./store";

/** An error from the auth route handlers, with the API's code and, for forms, the field. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

function toSession(body: SessionResponse, now = Date.now()): AuthSession {
  return {
    accessToken: body.accessToken,
    expiresAt: now + body.expiresIn * 1000,
    user: body.user,
  };
}

async function postAuth(
  path: string,
  body?: unknown,
  accessToken?: string | null,
): Promise<Response> {
  try {
    return await fetch(`/api/auth/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new AuthError("Cannot reach the server. Check your connection.", "NETWORK_ERROR");
  }
}

async function readError(response: Response): Promise<AuthError> {
  const body = (await response.json().catch(() => null)) as AuthErrorBody | null;
  return new AuthError(
    body?.error.message ?? `Request failed (${response.status}).`,
    body?.error.code ?? "INTERNAL_SERVER_ERROR",
    body?.error.field,
  );
}

async function signIn(path: "login" | "register", values: unknown): Promise<AuthSession> {
  const response = await postAuth(path, values);
  if (!response.ok) throw await readError(response);
  const session = toSession((await response.json()) as SessionResponse);
  useAuthStore.getState().setSession(session);
  broadcast("signed-in");
  return session;
}

export const login = (values: unknown) => signIn("login", values);
export const register = (values: unknown) => signIn("register", values);

let inflight: Promise<AuthSession | null> | null = null;

/**
 * Single-flight refresh. The API rotates refresh tokens and treats a reused one as theft
 * (revoking the whole session), so when several requests fail with UNAUTHENTICATED at
 * once they must share one refresh. Within a tab a shared promise does that; across tabs
 * a Web Lock makes the second tab wait and then send the cookie the first one rotated.
 *
 * Resolves to null when the session is gone (the cookie is then cleared by the route);
 * rejects on network/server trouble, which must not sign the user out.
 */
export function refreshSession(): Promise<AuthSession | null> {
  inflight ??= withRefreshLock(doRefresh).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("parley:refresh", task);
  }
  return task();
}

async function doRefresh(): Promise<AuthSession | null> {
  const response = await postAuth("refresh");
  if (response.status === 401) {
    useAuthStore.getState().clear();
    return null;
  }
  if (!response.ok) throw await readError(response);
  const session = toSession((await response.json()) as SessionResponse);
  useAuthStore.getState().setSession(session);
  return session;
}

/** The current access token, refreshed first when it is missing or about to expire. */
export async function getAccessToken(): Promise<string | null> {
  const state = useAuthStore.getState();
  if (isAccessTokenFresh(state)) return state.accessToken;
  const session = await refreshSession();
  return session?.accessToken ?? null;
}

export async function logout(): Promise<void> {
  const token = await getAccessToken().catch(() => useAuthStore.getState().accessToken);
  await postAuth("logout", undefined, token).catch(() => undefined);
  useAuthStore.getState().clear();
  broadcast("signed-out");
}

/* Keep tabs in step: signing out in one tab signs out the others. */
type AuthMessage = "signed-in" | "signed-out";
let channel: BroadcastChannel | null = null;

function getChannel(): BroadcastChannel | null {
  if (typeof BroadcastChannel === "undefined") return null;
  channel ??= new BroadcastChannel("parley:auth");
  return channel;
}

function broadcast(message: AuthMessage) {
  getChannel()?.postMessage(message);
}

export function onAuthBroadcast(listener: (message: AuthMessage) => void): () => void {
  const ch = getChannel();
  if (!ch) return () => undefined;
  const handler = (event: MessageEvent<AuthMessage>) => listener(event.data);
  ch.addEventListener("message", handler);
  return () => ch.removeEventListener("message", handler);
}
