"use client";

import { Dialog as SheetPrimitive } from "radix-ui";
import * as React from "react";
import { cn } from "@/lib/utils";
import { ModalPanel } from "./dialog";

export const Sheet = SheetPrimitive.Root;
export const SheetTrigger = SheetPrimitive.Trigger;
export const SheetClose = SheetPrimitive.Close;

/** A dialog that slides in from one side (the phone's conversation list). */
export function SheetContent({
  className,
  side = "left",
  ...props
}: React.ComponentProps<typeof SheetPrimitive.Content> & { side?: "left" | "right" }) {
  return (
    <ModalPanel
      slot="sheet-content"
      className={cn(
        "fixed inset-y-0 z-50 flex h-full w-[min(20rem,85vw)] flex-col gap-4 bg-background shadow-lg",
        side === "left" ? "left-0 border-r" : "right-0 border-l",
        className,
      )}
      closeClassName="top-3 right-3"
      {...props}
    />
  );
}

// The sheet is a dialog underneath: the same title and description.
export { DialogDescription as SheetDescription, DialogTitle as SheetTitle } from "./dialog";
