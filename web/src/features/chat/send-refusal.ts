import type { ApiError } from "@/lib/urql/errors";

/**
 * A send the API refused before any reply started: nothing was stored, so the prompt goes back
 * into the composer instead of staying as a bubble, and the notice says when sending works
 * again. `until` (epoch ms) is that moment when the API named it: RATE_LIMITED gives
 * `extensions.retryAfter` (seconds from now), QUOTA_EXCEEDED `extensions.resetsAt` (a date).
 * CONFLICT names the reply already running in the conversation (`runningMessageId`); sending
 * works again once it ends.
 */
export interface SendRefusal {
  code: string;
  message: string;
  until: number | null;
  runningMessageId: string | null;
}

/**
 * Errors that mean "not now", answered before anything was stored. Other codes (a network
 * failure, a server restarting, a provider error) keep the prompt shown with Retry.
 */
const REFUSALS = new Set(["RATE_LIMITED", "QUOTA_EXCEEDED", "CONFLICT", "BAD_USER_INPUT"]);

export function sendRefusal(error: ApiError, now: number = Date.now()): SendRefusal | null {
  if (!REFUSALS.has(error.code)) return null;
  const extensions = error.extensions ?? {};
  let until: number | null = null;
  const { retryAfter, resetsAt, runningMessageId } = extensions;
  if (error.code === "RATE_LIMITED" && typeof retryAfter === "number" && retryAfter >= 0) {
    until = now + Math.ceil(retryAfter) * 1000;
  } else if (error.code === "QUOTA_EXCEEDED" && typeof resetsAt === "string") {
    const at = Date.parse(resetsAt);
    until = Number.isNaN(at) ? null : at;
  }
  return {
    code: error.code,
    message: error.message,
    until,
    runningMessageId: typeof runningMessageId === "string" ? runningMessageId : null,
  };
}

/** Whole seconds until sending works again (0 once it does; null: the API did not say). */
export function secondsLeft(refusal: SendRefusal, now: number = Date.now()): number | null {
  if (refusal.until === null) return null;
  return Math.max(0, Math.ceil((refusal.until - now) / 1000));
}

/** "42 s", "3 min 05 s", "2 h 07 min", "3 d 4 h": precise while it is short. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** What the notice says, given the seconds left (null: no countdown). */
export function refusalText(refusal: SendRefusal, seconds: number | null): string {
  switch (refusal.code) {
    case "RATE_LIMITED":
      return seconds === null
        ? "You are sending too fast. Wait a moment, then send again."
        : `You are sending too fast. You can send again in ${formatWait(seconds)}.`;
    case "QUOTA_EXCEEDED":
      return seconds === null
        ? "Your usage budget for this period is spent."
        : `Your usage budget for this period is spent. You can send again in ${formatWait(seconds)}.`;
    case "CONFLICT":
      return "A reply is already running in this chat. Your message is back in the box: send it once the reply ends, or stop it.";
    default:
      return refusal.message;
  }
}

/** Sending waits for the countdown; CONFLICT waits for the running reply instead. */
export function blocksSending(refusal: SendRefusal | null, now: number = Date.now()): boolean {
  if (!refusal) return false;
  const seconds = secondsLeft(refusal, now);
  return seconds !== null && seconds > 0;
}
