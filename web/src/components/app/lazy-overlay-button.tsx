"use client";

import { useState, type ComponentProps, type ComponentType } from "react";
import { Button } from "@/components/ui/button";

/** What an overlay (a dialog, a sheet) opened by a LazyOverlayButton takes. */
export interface OverlayProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/**
 * A button that opens an overlay whose code (and its libraries) loads on first use, not with
 * the page: `overlay` is `dynamic(load)`, made once at module level. Fetching starts when the
 * pointer approaches or the button gets focus, so the click feels instant.
 */
export function LazyOverlayButton({
  load,
  overlay: Overlay,
  ...props
}: ComponentProps<typeof Button> & {
  load: () => Promise<unknown>;
  overlay: ComponentType<OverlayProps>;
}) {
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  return (
    <>
      <Button
        aria-haspopup="dialog"
        aria-expanded={open}
        onPointerEnter={() => void load()}
        onFocus={() => void load()}
        onClick={() => {
          setMounted(true);
          setOpen(true);
        }}
        {...props}
      />
      {mounted && <Overlay open={open} onOpenChange={setOpen} />}
    </>
  );
}
