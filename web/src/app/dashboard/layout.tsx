import { DashboardShell } from "@/components/app/dashboard-shell";
import { UrqlProvider } from "@/components/app/urql-provider";
import { AuthGate } from "@/features/auth/auth-gate";

export default function DashboardLayout({ children }: { children: React.ReactNode }) {
  return (
    <AuthGate>
      <UrqlProvider>
        <DashboardShell>{children}</DashboardShell>
      </UrqlProvider>
    </AuthGate>
  );
}
