"use client";

import { Loader2 } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { onAuthBroadcast, refreshSession } from "@/lib/auth/session";
import { useAuthStore } from "@/lib/auth/store";

/**
 * Restores the in-memory session from the refresh cookie (after a reload) before any
 * signed-in UI renders, and sends the user to /login when the session is gone. The
 * proxy already bounced visitors without a cookie; this handles stale cookies.
 */
export function AuthGate({ children }: { children: React.ReactNode }) {
  const status = useAuthStore((s) => s.status);
  const router = useRouter();
  const pathname = usePathname();
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (status !== "unknown") return;
    refreshSession().catch((e: unknown) =>
      setError(e instanceof Error ? e.message : "Cannot reach the server."),
    );
  }, [status, attempt]);

  useEffect(() => {
    if (status === "anonymous") router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [status, router, pathname]);

  // Signing out in another tab signs out this one too.
  useEffect(
    () =>
      onAuthBroadcast((message) => {
        if (message === "signed-out") window.location.replace("/login");
      }),
    [],
  );

  if (status === "authenticated") return children;
  if (error) {
    return (
      <div className="flex min-h-full items-center justify-center p-4">
        <Alert variant="destructive" className="max-w-sm">
          <AlertTitle>Could not restore your session</AlertTitle>
          <AlertDescription>
            {error}
            <Button
              variant="outline"
              size="sm"
              className="mt-2"
              onClick={() => {
                setError(null);
                setAttempt((n) => n + 1);
              }}
            >
              Try again
            </Button>
          </AlertDescription>
        </Alert>
      </div>
    );
  }
  return (
    <div className="flex min-h-full items-center justify-center" role="status">
      <Loader2 className="size-6 animate-spin text-muted-foreground" aria-hidden />
      <span className="sr-only">Loading your session</span>
    </div>
  );
}
