import type { NextRequest } from "next/server";
import { registerMutation } from "@/graphql/auth";
import { registerSchema } from "@/lib/auth/schemas";
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
  const parsed = registerSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorResponse(
      "BAD_USER_INPUT",
      issue?.message ?? "Check the form.",
      issue?.path[0]?.toString(),
    );
  }
  try {
    const result = await callApi(
      registerMutation,
      { input: parsed.data },
      {
        clientIp: forwardedFor(request),
      },
    );
    if (!result.data?.register) return apiErrorResponse(result.errors?.[0]);
    return sessionResponse(request, result.data.register);
  } catch (error) {
    if (error instanceof ApiUnreachableError) return unreachableResponse();
    throw error;
  }
}
