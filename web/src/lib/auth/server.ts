import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import type { AuthPayloadFieldsFragment } from "@/gql/graphql";
import { GRAPHQL_URL } from "@/lib/env";
import { forwardedForIsRewritten } from "@/lib/server/client-address.mjs";
import type { z } from "@/lib/zod";
import { REFRESH_COOKIE, type AuthErrorBody, type SessionResponse } from "./shared";

/**
 * Server-side URL of the API. Inside Docker the web server may reach the API by a
 * different host than the browser does, so it can be overridden.
 */
const API_URL = process.env.GRAPHQL_INTERNAL_URL || GRAPHQL_URL;

/** The API decides real expiry; the cookie only needs to outlive it. */
const REFRESH_MAX_AGE_S = Number(process.env.REFRESH_TOKEN_EXPIRE_DAYS || 7) * 24 * 60 * 60;

export interface ApiError {
  message: string;
  extensions?: { code?: string; field?: string; retryAfter?: number };
}

export class ApiUnreachableError extends Error {}

/**
 * The API rate-limits auth calls per client IP. Every call from here comes from the web
 * server's address, so pass the browser's address along; the API honours it only when it
 * lists this server in TRUSTED_PROXIES. The header is the client's own unless server.mjs
 * replaced it with the address it saw (see lib/server/client-address.mjs): without that,
 * forward nothing, and the API counts every sign-in against this server's address.
 */
export function forwardedFor(request: NextRequest): string | undefined {
  if (!forwardedForIsRewritten()) return undefined;
  return request.headers.get("x-forwarded-for") ?? undefined;
}

export async function callApi<TData, TVars extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  { accessToken, clientIp }: { accessToken?: string; clientIp?: string } = {},
): Promise<{ data?: TData | null; errors?: ApiError[] }> {
  let response: Response;
  try {
    response = await fetch(API_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        ...(clientIp ? { "x-forwarded-for": clientIp } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
      cache: "no-store",
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    throw new ApiUnreachableError("The API is unreachable.", { cause });
  }
  if (response.status === 429) {
    const retryAfter = Number(response.headers.get("retry-after") || 0) || undefined;
    return {
      errors: [
        {
          message: "Too many attempts; try again later.",
          extensions: { code: "RATE_LIMITED", retryAfter },
        },
      ],
    };
  }
  try {
    return (await response.json()) as { data?: TData | null; errors?: ApiError[] };
  } catch (cause) {
    throw new ApiUnreachableError(`The API answered ${response.status}.`, { cause });
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

export function errorResponse(code: string, message: string, field?: string, status?: number) {
  const body: AuthErrorBody = { error: { code, message, ...(field ? { field } : {}) } };
  return NextResponse.json(body, { status: status ?? STATUS_BY_CODE[code] ?? 502 });
}

export function apiErrorResponse(error: ApiError | undefined) {
  const code = error?.extensions?.code ?? "INTERNAL_SERVER_ERROR";
  return errorResponse(code, error?.message ?? "Something went wrong.", error?.extensions?.field);
}

/**
 * A POST handler for the /api/auth/* routes: refuses cross-origin calls and answers 503
 * when the API cannot be reached, so each route only says what is its own.
 */
export function authRoute(handle: (request: NextRequest) => Promise<NextResponse>) {
  return async function POST(request: NextRequest): Promise<NextResponse> {
    if (isForeignOrigin(request))
      return errorResponse("FORBIDDEN", "Cross-origin request refused.");
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof ApiUnreachableError) return unreachableResponse();
      throw error;
    }
  };
}

/** What login, register and refreshToken answer, under one alias (see graphql/auth.graphql). */
export interface SessionData {
  session: AuthPayloadFieldsFragment;
}

/**
 * POST /api/auth/login and /register: the form's fields, checked again here (`schema`), go to
 * the API's mutation with the browser's address; the answer is the session, its refresh token
 * kept in the cookie. A refusal names the field at fault, for the form to show it there.
 */
export function signInRoute<Vars extends { input: unknown }>(
  schema: z.ZodType<Vars["input"]>,
  mutation: TypedDocumentNode<SessionData, Vars>,
) {
  return authRoute(async (request) => {
    const parsed = schema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0]?.toString();
      return errorResponse("BAD_USER_INPUT", issue?.message ?? "Check the form.", field);
    }
    const variables = { input: parsed.data } as Vars;
    const result = await callApi(mutation, variables, { clientIp: forwardedFor(request) });
    if (!result.data?.session) return apiErrorResponse(result.errors?.[0]);
    return sessionResponse(request, result.data.session);
  });
}

export function unreachableResponse() {
  return errorResponse(
    "API_UNREACHABLE",
    "Cannot reach the server. Try again in a moment.",
    undefined,
    503,
  );
}

function isSecure(request: NextRequest) {
  const forwarded = request.headers.get("x-forwarded-proto");
  return (forwarded ?? request.nextUrl.protocol.replace(":", "")) === "https";
}

/** Answer the page with the session and keep the rotated refresh token in the cookie. */
export function sessionResponse(request: NextRequest, payload: AuthPayloadFieldsFragment) {
  const { refreshToken, ...session } = payload;
  const body: SessionResponse = session;
  const response = NextResponse.json(body, { headers: { "cache-control": "no-store" } });
  response.cookies.set(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    sameSite: "lax",
    secure: isSecure(request),
    path: "/",
    maxAge: REFRESH_MAX_AGE_S,
  });
  return response;
}

export function clearRefreshCookie(response: NextResponse) {
  response.cookies.set(REFRESH_COOKIE, "", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
  });
  return response;
}

/**
 * SameSite=Lax already keeps the cookie off cross-site POSTs; refusing foreign origins
 * as well closes the gap for same-site subdomains and old browsers.
 */
export function isForeignOrigin(request: NextRequest) {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
