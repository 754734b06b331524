import { styled } from "./styled";

/**
 * A styled native <select>: fully accessible, works on phones, and costs no JavaScript
 * (shadcn's "native-select"); disabled <option>s show unconfigured providers.
 */
export const NativeSelect = styled(
  "select",
  "native-select",
  "flex h-9 w-full rounded-md border border-input bg-transparent px-3 py-1 text-base shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive md:text-sm dark:bg-background",
);
