"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber, shortDay } from "./usage-range";

interface Day {
  day: string;
  totalTokens: number;
}

/**
 * Tokens per UTC day as bars. The chart is a picture (hidden from screen readers, which get
 * its figure caption and the table below it); the same numbers are in a table that anyone
 * can open.
 */
export function TokensByDayChart({ days }: { days: Day[] }) {
  return (
    <figure className="grid gap-3" aria-labelledby="tokens-by-day-title">
      <figcaption id="tokens-by-day-title" className="font-medium">
        Tokens by day (UTC)
      </figcaption>
      <div className="h-64 w-full text-muted-foreground" aria-hidden data-testid="usage-chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid vertical={false} stroke="var(--color-border)" />
            <XAxis
              dataKey="day"
              tickFormatter={shortDay}
              tickLine={false}
              axisLine={false}
              fontSize={12}
              minTickGap={16}
              stroke="currentColor"
            />
            <YAxis
              tickFormatter={formatNumber}
              tickLine={false}
              axisLine={false}
              fontSize={12}
              width={56}
              allowDecimals={false}
              stroke="currentColor"
            />
            <Tooltip
              cursor={{ fill: "var(--color-muted)" }}
              formatter={(value) => [formatNumber(Number(value)), "Tokens"]}
              labelFormatter={(label) => shortDay(String(label))}
              contentStyle={{
                background: "var(--color-popover)",
                border: "1px solid var(--color-border)",
                borderRadius: "var(--radius)",
                color: "var(--color-popover-foreground)",
              }}
            />
            <Bar
              dataKey="totalTokens"
              name="Tokens"
              fill="var(--color-primary)"
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-muted-foreground">Show as a table</summary>
        <table className="mt-2 w-full max-w-sm text-left">
          <caption className="sr-only">Tokens by day (UTC)</caption>
          <thead>
            <tr className="border-b">
              <th scope="col" className="py-1 font-medium">
                Day
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Tokens
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day} className="border-b last:border-0">
                <td className="py-1">{day.day}</td>
                <td className="py-1 text-right tabular-nums">{formatNumber(day.totalTokens)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
