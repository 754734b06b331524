import type { UsageQuery } from "@/gql/graphql";
import { cn } from "@/lib/utils";
import { formatNumber } from "./usage-range";

type Budget = NonNullable<UsageQuery["usage"]["budget"]>;

/** From this share of the budget on, the bar warns. */
const WARN_AT = 0.8;

/** "Mar 5, 2026, 00:00 UTC": budgets reset on UTC boundaries, so say UTC. */
function resetTime(iso: string): string {
  return new Date(iso).toLocaleString("en-US", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "UTC",
    hour12: false,
  });
}

/** The period's token budget: how much is used, what remains, when it starts again. */
export function BudgetMeter({ budget }: { budget: Budget }) {
  const { limit, used, remaining, resetsAt } = budget;
  const share = limit > 0 ? Math.min(1, used / limit) : 1;
  const label = `${formatNumber(used)} of ${formatNumber(limit)} tokens used`;
  return (
    <section aria-labelledby="budget-title" className="grid gap-3 rounded-lg border p-4">
      <h2 id="budget-title" className="font-medium">
        Token budget
      </h2>
      <div
        role="meter"
        aria-label="Token budget"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={label}
        className="h-3 w-full overflow-hidden rounded-full bg-muted"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width]",
            share >= 1 ? "bg-destructive" : share >= WARN_AT ? "bg-amber-500" : "bg-primary",
          )}
          style={{ width: `${share * 100}%` }}
        />
      </div>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-muted-foreground">Limit</dt>
          <dd className="tabular-nums">{formatNumber(limit)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Used</dt>
          <dd className="tabular-nums">{formatNumber(used)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Remaining</dt>
          <dd className="tabular-nums">{formatNumber(remaining)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Resets</dt>
          <dd>
            <time dateTime={resetsAt}>{resetTime(resetsAt)} UTC</time>
          </dd>
        </div>
      </dl>
    </section>
  );
}
