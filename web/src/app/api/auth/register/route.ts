import { registerMutation } from "@/graphql/auth";
import { registerSchema } from "@/lib/auth/schemas";
import {
  apiErrorResponse,
  authRoute,
  callApi,
  errorResponse,
  forwardedFor,
  sessionResponse,
} from "@/lib/auth/server";

export const POST = authRoute(async (request) => {
  const parsed = registerSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorResponse(
      "BAD_USER_INPUT",
      issue?.message ?? "Check the form.",
      issue?.path[0]?.toString(),
    );
  }
  const result = await callApi(
    registerMutation,
    { input: parsed.data },
    { clientIp: forwardedFor(request) },
  );
  if (!result.data?.register) return apiErrorResponse(result.errors?.[0]);
  return sessionResponse(request, result.data.register);
});
