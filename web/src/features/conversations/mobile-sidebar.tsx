"use client";

import { Menu } from "lucide-react";
import dynamic from "next/dynamic";
import { useState } from "react";
import { Button } from "@/components/ui/button";

const loadSheet = () => import("./mobile-sidebar-sheet");
const MobileSidebarSheet = dynamic(loadSheet, { ssr: false });

/** On phones the sidebar lives in a sheet behind a menu button (loaded on first use). */
export function MobileSidebar() {
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        className="md:hidden"
        aria-label="Open conversations"
        aria-haspopup="dialog"
        aria-expanded={open}
        onPointerEnter={() => void loadSheet()}
        onClick={() => {
          setMounted(true);
          setOpen(true);
        }}
      >
        <Menu aria-hidden />
      </Button>
      {mounted && <MobileSidebarSheet open={open} onOpenChange={setOpen} />}
    </>
  );
}
