import { z } from "@/lib/zod";

/** Characters as the API counts them (code points: an emoji is one, not two). */
export const charCount = (value: string) => [...value].length;

/**
 * `text` refused beyond `max` characters, in the API's own words; no check while the limit
 * is unknown (the API refuses it anyway).
 */
export function atMostChars(text: z.ZodString, max: number | undefined, what: string) {
  return max === undefined
    ? text
    : text.refine((value) => charCount(value) <= max, `${what} must be at most ${max} characters.`);
}
