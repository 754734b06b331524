"use client";

import { Clock } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { refusalText, type SendRefusal } from "./send-refusal";
import { useCountdown } from "./use-countdown";

/**
 * Why the last send was refused and, when the API said, a live count of the time until
 * sending works again; at zero it calls `onExpired` (the composer's Send comes back).
 */
export function RefusalNotice({
  refusal,
  onExpired,
}: {
  refusal: SendRefusal;
  onExpired: () => void;
}) {
  const seconds = useCountdown(refusal.until, onExpired);
  return (
    <div className="px-3 pb-2 sm:px-6">
      <Alert role="status" aria-label="Message not sent" data-code={refusal.code}>
        <Clock aria-hidden />
        <AlertDescription>{refusalText(refusal, seconds)}</AlertDescription>
      </Alert>
    </div>
  );
}
