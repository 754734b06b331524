import type { InputLimits } from "@/lib/forms/input-limits";
import { atMostChars, charCount } from "@/lib/forms/text-rules";
import { z } from "@/lib/zod";

const email = z
  .string()
  .trim()
  .min(1, "Enter your email.")
  .pipe(z.email("Enter a valid email address."));

/** Shared by the form (inline errors) and the route handler (never trust the page). */
export const loginSchema = z.object({
  email,
  password: z.string().min(1, "Enter your password."),
});

export type AccountLimits = Pick<
  InputLimits,
  "fullNameMaxChars" | "passwordMinChars" | "passwordMaxBytes"
>;

/**
 * Sign-up rules, with the API's served limits when known (the form, once they arrive). The
 * route handler passes none: the API checks lengths against its own settings and names the
 * field at fault, so no number is written twice.
 */
export function registerSchema(limits?: AccountLimits) {
  const password = z.string().min(1, "Enter a password.");
  return z.object({
    fullName: atMostChars(
      z.string().trim().min(1, "Enter your name."),
      limits?.fullNameMaxChars,
      "Full name",
    ),
    email,
    password: limits
      ? password
          .refine(
            (value) => charCount(value) >= limits.passwordMinChars,
            `Password must be at least ${limits.passwordMinChars} characters.`,
          )
          .refine(
            (value) => new TextEncoder().encode(value).length <= limits.passwordMaxBytes,
            `Password must be at most ${limits.passwordMaxBytes} bytes.`,
          )
      : password,
  });
}

export type LoginValues = z.infer<typeof loginSchema>;
export type RegisterValues = z.infer<ReturnType<typeof registerSchema>>;
