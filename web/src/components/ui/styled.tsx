import * as React from "react";
import { cn } from "@/lib/utils";

/**
 * The shape of most shadcn/ui components, written once: `base` with a data-slot (a styling
 * hook) and its own classes, which a caller's `className` extends or overrides
 * (tailwind-merge). Everything else passes through, refs included.
 */
export function styled<T extends React.ElementType>(base: T, slot: string, classes: string) {
  const Base: React.ElementType = base;
  function Styled({ className, ...props }: React.ComponentProps<T> & { className?: string }) {
    return <Base data-slot={slot} className={cn(classes, className)} {...props} />;
  }
  Styled.displayName = slot;
  return Styled;
}
