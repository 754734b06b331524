"use client";

import { Menu } from "lucide-react";
import dynamic from "next/dynamic";
import { LazyOverlayButton } from "@/components/app/lazy-overlay-button";

const loadSheet = () => import("./mobile-sidebar-sheet");
const MobileSidebarSheet = dynamic(loadSheet, { ssr: false });

/** On phones the sidebar lives in a sheet behind a menu button (loaded on first use). */
export function MobileSidebar() {
  return (
    <LazyOverlayButton
      load={loadSheet}
      overlay={MobileSidebarSheet}
      variant="ghost"
      size="icon"
      className="md:hidden"
      aria-label="Open conversations"
    >
      <Menu aria-hidden />
    </LazyOverlayButton>
  );
}
