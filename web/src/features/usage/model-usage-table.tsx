import type { UsageQuery } from "@/gql/graphql";
import { formatNumber } from "./usage-range";

type ModelUsage = UsageQuery["usage"]["byModel"][number];

/** Tokens and replies per provider and model, most tokens first. */
export function ModelUsageTable({ models }: { models: readonly ModelUsage[] }) {
  const rows = [...models].sort((a, b) => b.totalTokens - a.totalTokens);
  return (
    <table className="w-full text-left text-sm">
      <caption className="pb-2 text-left font-medium">By model</caption>
      <thead>
        <tr className="border-b text-muted-foreground">
          <th scope="col" className="py-2 font-medium">
            Provider
          </th>
          <th scope="col" className="py-2 font-medium">
            Model
          </th>
          <th scope="col" className="py-2 text-right font-medium">
            Replies
          </th>
          <th scope="col" className="py-2 text-right font-medium">
            Tokens
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.provider}/${row.model}`} className="border-b last:border-0">
            <td className="py-2">{row.provider}</td>
            <td className="py-2 break-all">{row.model}</td>
            <td className="py-2 text-right tabular-nums">{formatNumber(row.replies)}</td>
            <td className="py-2 text-right tabular-nums">{formatNumber(row.totalTokens)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
