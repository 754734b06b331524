import type { NextRequest } from "next/server";
import { loginMutation } from "@/graphql/auth";
import { loginSchema } from "@/lib/auth/schemas";
import {
  ApiUnreachableError,
  apiErrorResponse,
  callApi,
  errorResponse,
  forwardedFor,
  isForeignOrigin,
  sessionResponse,
  unreachableResponse,
} from "@/lib/auth/server";

export async function POST(request: NextRequest) {
  if (isForeignOrigin(request)) return errorResponse("FORBIDDEN", "Cross-origin request refused.");
  const parsed = loginSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return errorResponse("BAD_USER_INPUT", "Enter your email and password.");
  try {
    const result = await callApi(
      loginMutation,
      { input: parsed.data },
      {
        clientIp: forwardedFor(request),
      },
    );
    if (!result.data?.login) return apiErrorResponse(result.errors?.[0]);
    return sessionResponse(request, result.data.login);
  } catch (error) {
    if (error instanceof ApiUnreachableError) return unreachableResponse();
    throw error;
  }
}
