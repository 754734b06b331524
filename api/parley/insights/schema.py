"""The insights part of the GraphQL schema's roots: search and usage. Each resolver maps
arguments to one service call and its answer to types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from parley.graphql.connections import (
    PageInfo,
    decode_rank_cursor,
    encode_rank_cursor,
    page_size,
)
from parley.graphql.context import Context
from parley.insights.periods import storable
from parley.insights.types import SearchConnection, SearchEdge, SearchHit, UsageReport


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description=(
            "Full-text search over the caller's conversation titles and messages, best match "
            'first. Web-style syntax (words, "a phrase", or, -word); titles also match '
            "partial words and typos. first: 1..100; a blank query is BAD_USER_INPUT."
        )
    )
    async def search(
        self, info: Info[Context, None], query: str, first: int = 20, after: str | None = None
    ) -> SearchConnection:
        ctx = info.context
        user_id = await ctx.user_id()
        await ctx.limit_search(user_id)
        page = await ctx.insights.search(
            user_id,
            query,
            page_size(first, "first"),
            decode_rank_cursor(after, "after"),
        )
        pairs = [(encode_rank_cursor(*hit.position), hit) for hit in page.items]
        return SearchConnection(
            edges=[SearchEdge(cursor=c, node=SearchHit.from_hit(hit)) for c, hit in pairs],
            page_info=PageInfo(
                has_next_page=page.has_more,
                has_previous_page=after is not None,
                start_cursor=pairs[0][0] if pairs else None,
                end_cursor=pairs[-1][0] if pairs else None,
            ),
            total_count=page.total or 0,
        )

    @strawberry.field(
        description=(
            "The caller's usage from `from` to `to` (default: the current budget period, or "
            "the last 30 days)."
        )
    )
    async def usage(
        self,
        info: Info[Context, None],
        from_: Annotated[dt.datetime | None, strawberry.argument(name="from")] = None,
        to: dt.datetime | None = None,
    ) -> UsageReport:
        ctx = info.context
        report = await ctx.insights.usage(
            await ctx.user_id(), storable(from_, "from"), storable(to, "to")
        )
        return UsageReport.from_report(report)
