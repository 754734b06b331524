"use client";

import { useRouter } from "next/navigation";
import { SearchBox } from "./search-box";
import { hitHref } from "./use-search";

/** The sidebar's search field; results show under it, above the conversation list. */
export function SidebarSearch({ onNavigate }: { onNavigate?: () => void }) {
  const router = useRouter();
  return (
    <SearchBox
      className="px-3 pt-3"
      resultsClassName="max-h-[50dvh]"
      onChoose={(hit) => {
        router.push(hitHref(hit));
        onNavigate?.();
      }}
    />
  );
}
