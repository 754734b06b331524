import type { Metadata } from "next";
import { AuthGate } from "@/features/auth/auth-gate";
import { ExplorerPage } from "@/features/explorer/explorer-page";

export const metadata: Metadata = { title: "API explorer" };

export default function Explorer() {
  return (
    <AuthGate>
      <ExplorerPage />
    </AuthGate>
  );
}
