import { loginMutation } from "@/graphql/auth";
import { loginSchema } from "@/lib/auth/schemas";
import {
  apiErrorResponse,
  authRoute,
  callApi,
  errorResponse,
  forwardedFor,
  sessionResponse,
} from "@/lib/auth/server";

export const POST = authRoute(async (request) => {
  const parsed = loginSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return errorResponse("BAD_USER_INPUT", "Enter your email and password.");
  const result = await callApi(
    loginMutation,
    { input: parsed.data },
    { clientIp: forwardedFor(request) },
  );
  if (!result.data?.login) return apiErrorResponse(result.errors?.[0]);
  return sessionResponse(request, result.data.login);
});
