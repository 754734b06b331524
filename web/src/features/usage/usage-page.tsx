"use client";

import { AlertCircle, RotateCcw } from "lucide-react";
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { UsageDocument } from "@/gql/graphql";
import { cn } from "@/lib/utils";
import { BudgetMeter } from "./budget-meter";
import { ModelUsageTable } from "./model-usage-table";
import { TokensByDayChart } from "./tokens-by-day-chart";
import { everyDay, formatNumber, RANGE_DAYS, usageRange, type RangeDays } from "./usage-range";

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-lg border p-4">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{formatNumber(value)}</dd>
    </div>
  );
}

function Loading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading usage">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-20" />
        ))}
      </div>
      <Skeleton className="h-64" />
      <Skeleton className="h-24" />
    </div>
  );
}

/**
 * What the signed-in user spent: totals, tokens per UTC day, per model, and the token budget
 * when one is configured. Fetched again whenever opened (replies change it).
 */
export function UsagePage() {
  const [days, setDays] = useState<RangeDays>(30);
  // Fixed for the page's life: whole UTC days, so the query stays the same while it is open.
  const [now] = useState(() => new Date());
  const range = useMemo(() => usageRange(days, now), [days, now]);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: UsageDocument,
    variables: range,
    requestPolicy: "cache-and-network",
  });
  const usage = data?.usage;
  const chartDays = useMemo(
    () => (usage ? everyDay(usage.byDay, range.from, range.to) : []),
    [usage, range],
  );

  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto grid max-w-4xl gap-6 p-4 sm:p-6">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-xl font-semibold">Usage</h1>
          <div role="group" aria-label="Period" className="inline-flex rounded-md border p-0.5">
            {RANGE_DAYS.map((option) => (
              <Button
                key={option}
                variant="ghost"
                size="sm"
                aria-pressed={days === option}
                onClick={() => setDays(option)}
                className={cn("h-7", days === option && "bg-accent text-accent-foreground")}
              >
                {option} days
              </Button>
            ))}
          </div>
        </div>

        {usage?.budget && <BudgetMeter budget={usage.budget} />}

        {!usage && error && (
          <Alert variant="destructive">
            <AlertCircle />
            <AlertDescription className="flex flex-wrap items-center justify-between gap-2">
              <span>Could not load your usage.</span>
              <Button
                variant="outline"
                size="sm"
                onClick={() => reexecute({ requestPolicy: "network-only" })}
              >
                <RotateCcw aria-hidden />
                Retry
              </Button>
            </AlertDescription>
          </Alert>
        )}
        {!usage && !error && <Loading />}

        {usage && (
          <div className="grid gap-6" aria-busy={fetching}>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Stat label="Total tokens" value={usage.totalTokens} />
              <Stat label="Prompt tokens" value={usage.promptTokens} />
              <Stat label="Completion tokens" value={usage.completionTokens} />
              <Stat label="Replies" value={usage.replies} />
            </dl>
            {usage.replies === 0 && usage.totalTokens === 0 ? (
              <p className="rounded-lg border border-dashed p-6 text-center text-sm text-muted-foreground">
                No replies in the last {days} days yet. Usage shows here once the assistant has
                answered.
              </p>
            ) : (
              <>
                <TokensByDayChart days={chartDays} />
                <ModelUsageTable models={usage.byModel} />
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
