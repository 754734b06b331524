import { AuthGate } from "@/features/auth/auth-gate";
import { DashboardShell } from "./dashboard-shell";

export default function DashboardLayout({ children }: { children: React.ReactNode }) {
  return (
    <AuthGate>
      <DashboardShell>{children}</DashboardShell>
    </AuthGate>
  );
}
