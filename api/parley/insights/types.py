"""The GraphQL types of search and usage: how the insights service's answers are shown."""

from __future__ import annotations

import datetime as dt

import strawberry

from parley.ai import AIProvider
from parley.chat.types import Conversation, Message
from parley.graphql.connections import PageInfo
from parley.insights import service


@strawberry.type(description="Characters [start, end) of a string, in UTF-16 code units.")
class TextRange:
    start: int
    end: int


@strawberry.type
class SearchHit:
    conversation: Conversation
    message: Message | None = strawberry.field(
        description="The matching message; null when only the title matched."
    )
    snippet: str = strawberry.field(
        description="Plain text around the match (never HTML); highlights are ranges in it."
    )
    highlights: list[TextRange] = strawberry.field(
        description=(
            "The matching words of `snippet`, in order; offsets count UTF-16 code units, as "
            "JavaScript strings do (`snippet.slice(start, end)`)."
        )
    )

    @classmethod
    def from_hit(cls, hit: service.SearchHit) -> SearchHit:
        return cls(
            conversation=Conversation.from_row(hit.conversation),
            message=Message.from_row(hit.message) if hit.message is not None else None,
            snippet=hit.snippet.text,
            highlights=[TextRange(start=s, end=e) for s, e in hit.snippet.highlights],
        )


@strawberry.type
class SearchEdge:
    cursor: str
    node: SearchHit


@strawberry.type
class SearchConnection:
    edges: list[SearchEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ModelUsage:
    provider: AIProvider
    model: str
    total_tokens: int
    replies: int


@strawberry.type
class DailyUsage:
    day: str = strawberry.field(description="UTC day, YYYY-MM-DD.")
    total_tokens: int


@strawberry.type
class TokenBudget:
    limit: int
    used: int = strawberry.field(
        description="Tokens of the period's stored replies plus those held by running replies."
    )
    remaining: int
    resets_at: dt.datetime


@strawberry.type
class UsageReport:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    replies: int
    by_model: list[ModelUsage]
    by_day: list[DailyUsage] = strawberry.field(
        description="One entry per UTC day with usage, oldest first."
    )
    budget: TokenBudget | None = strawberry.field(description="Null when no budget is configured.")

    @classmethod
    def from_report(cls, report: service.UsageReport) -> UsageReport:
        budget = report.budget
        return cls(
            prompt_tokens=report.prompt_tokens,
            completion_tokens=report.completion_tokens,
            total_tokens=report.total_tokens,
            replies=report.replies,
            by_model=[
                ModelUsage(
                    provider=m.provider,
                    model=m.model,
                    total_tokens=m.total_tokens,
                    replies=m.replies,
                )
                for m in report.by_model
            ],
            by_day=[
                DailyUsage(day=d.day.isoformat(), total_tokens=d.total_tokens)
                for d in report.by_day
            ],
            budget=TokenBudget(
                limit=budget.limit,
                used=budget.used,
                remaining=budget.remaining,
                resets_at=budget.resets_at,
            )
            if budget is not None
            else None,
        )
