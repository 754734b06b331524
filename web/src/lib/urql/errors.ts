import type { CombinedError } from "@urql/core";
import type { ServerError } from "@/lib/forms/server-error";

export interface ApiError extends ServerError {
  /** `extensions.code` (NOT_FOUND, BAD_USER_INPUT…), or NETWORK_ERROR when none came back. */
  code: string;
  /** The first error's other `extensions` (retryAfter, resetsAt, runningMessageId…). */
  extensions?: Record<string, unknown>;
}

/** What to show for a failed operation: the API's first error, else `fallback`. */
export function apiError(error: CombinedError, fallback: string): ApiError {
  const first = error.graphQLErrors[0];
  if (!first) return { code: "NETWORK_ERROR", message: fallback };
  const { code, field, ...extensions } = first.extensions ?? {};
  return {
    code: typeof code === "string" ? code : "INTERNAL_SERVER_ERROR",
    message: first.message,
    ...(typeof field === "string" ? { field } : {}),
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  };
}
