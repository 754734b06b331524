"use client";

import { AlertDialog as Primitive } from "radix-ui";
import * as React from "react";
import { buttonVariants } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { CENTERED_PANEL_CLASSES, modalHeadings, OVERLAY_CLASSES } from "./dialog";
import { styled } from "./styled";

export { DialogFooter as AlertDialogFooter, DialogHeader as AlertDialogHeader } from "./dialog";

export const AlertDialog = Primitive.Root;

/** Like a dialog's, but with no close button: the user answers with one of the actions. */
export function AlertDialogContent({
  className,
  ...props
}: React.ComponentProps<typeof Primitive.Content>) {
  return (
    <Primitive.Portal>
      <Primitive.Overlay className={OVERLAY_CLASSES} />
      <Primitive.Content
        data-slot="alert-dialog-content"
        className={cn(CENTERED_PANEL_CLASSES, className)}
        {...props}
      />
    </Primitive.Portal>
  );
}

const headings = modalHeadings("alert-dialog", Primitive.Title, Primitive.Description);
export const AlertDialogTitle = headings.Title;
export const AlertDialogDescription = headings.Description;

const destructive = buttonVariants({ variant: "destructive" });
export const AlertDialogAction = styled(Primitive.Action, "alert-dialog-action", destructive);
const outline = buttonVariants({ variant: "outline" });
export const AlertDialogCancel = styled(Primitive.Cancel, "alert-dialog-cancel", outline);
