"use client";

import { XIcon } from "lucide-react";
import { Dialog as DialogPrimitive } from "radix-ui";
import * as React from "react";
import { cn } from "@/lib/utils";
import { styled } from "./styled";

export const Dialog = DialogPrimitive.Root;
export const DialogTrigger = DialogPrimitive.Trigger;
export const DialogClose = DialogPrimitive.Close;

/** Shared by every modal (dialogs, alert dialogs, sheets): the page dimmed behind it. */
export const OVERLAY_CLASSES = "fixed inset-0 z-50 bg-black/50";
/** A centred dialog's panel, also the alert dialog's. */
export const CENTERED_PANEL_CLASSES =
  "fixed top-1/2 left-1/2 z-50 grid max-h-[calc(100dvh-2rem)] w-full max-w-[calc(100%-2rem)] -translate-x-1/2 -translate-y-1/2 gap-4 overflow-y-auto rounded-lg border bg-background p-6 shadow-lg sm:max-w-lg";

export const DialogOverlay = styled(DialogPrimitive.Overlay, "dialog-overlay", OVERLAY_CLASSES);

/**
 * A modal panel on the dialog primitive, with a close button in its corner: the centred
 * dialog here, and the sheet (sheet.tsx) with its own classes.
 */
export function ModalPanel({
  slot,
  className,
  closeClassName,
  children,
  ...props
}: React.ComponentProps<typeof DialogPrimitive.Content> & {
  slot: string;
  closeClassName: string;
}) {
  return (
    <DialogPrimitive.Portal>
      <DialogOverlay />
      <DialogPrimitive.Content data-slot={slot} className={className} {...props}>
        {children}
        <DialogPrimitive.Close
          className={cn(
            "absolute rounded-xs opacity-70 transition-opacity hover:opacity-100 focus:ring-2 focus:ring-ring focus:outline-hidden [&_svg]:size-4",
            closeClassName,
          )}
        >
          <XIcon />
          <span className="sr-only">Close</span>
        </DialogPrimitive.Close>
      </DialogPrimitive.Content>
    </DialogPrimitive.Portal>
  );
}

export function DialogContent({
  className,
  ...props
}: React.ComponentProps<typeof DialogPrimitive.Content>) {
  return (
    <ModalPanel
      slot="dialog-content"
      className={cn(CENTERED_PANEL_CLASSES, className)}
      closeClassName="top-4 right-4"
      {...props}
    />
  );
}

/** Header and footer are plain layout, the same for alert dialogs. */
export const DialogHeader = styled("div", "dialog-header", "flex flex-col gap-2 text-left");
const FOOTER_CLASSES = "flex flex-col-reverse gap-2 sm:flex-row sm:justify-end";
export const DialogFooter = styled("div", "dialog-footer", FOOTER_CLASSES);

/**
 * A modal's title and description, made from its primitive's own parts: those are what name
 * and describe the modal to assistive technology (aria-labelledby, aria-describedby).
 */
export function modalHeadings<T extends React.ElementType, D extends React.ElementType>(
  prefix: string,
  title: T,
  description: D,
) {
  return {
    Title: styled(title, `${prefix}-title`, "text-lg leading-none font-semibold"),
    Description: styled(description, `${prefix}-description`, "text-sm text-muted-foreground"),
  };
}

const headings = modalHeadings("dialog", DialogPrimitive.Title, DialogPrimitive.Description);
export const DialogTitle = headings.Title;
export const DialogDescription = headings.Description;
