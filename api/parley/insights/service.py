"""Search, usage and token budgets of one user: the rules; the SQL is in `repository`.

insights = InsightsService(settings, db_sessions, budgets)   # budgets None: no budget
page = await insights.search(user_id, "deploy -staging", 20, None)
report = await insights.usage(user_id, None, None)
reservation = await insights.reserve_reply(user_id, tokens)   # chat, before a provider call
await insights.settle_reply(reservation, used)                # chat, when the reply ends
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.ai.providers import AIProvider
from parley.chat.tables import Conversation, Message
from parley.errors import InvalidInput
from parley.insights import repository, snippets
from parley.insights.budgets import BudgetState, Reservation, TokenBudgets
from parley.insights.repository import RankPosition
from parley.pagination import Page
from parley.settings import Settings

# Longer queries are refused: nobody types them, and trigram similarity costs grow with the
# query's length on every title.
QUERY_MAX_CHARS = 256
DEFAULT_USAGE_DAYS = 30


@dataclass(frozen=True)
class SearchHit:
    conversation: Conversation
    # None when only the title matched.
    message: Message | None
    snippet: snippets.Snippet
    position: RankPosition


@dataclass(frozen=True)
class ModelUsage:
    provider: AIProvider
    model: str
    total_tokens: int
    replies: int


@dataclass(frozen=True)
class DailyUsage:
    day: dt.date
    total_tokens: int


@dataclass(frozen=True)
class UsageReport:
    prompt_tokens: int
    completion_tokens: int
    replies: int
    by_model: list[ModelUsage]
    by_day: list[DailyUsage]
    budget: BudgetState | None

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


# Negations in a row, with only what `websearch_to_tsquery` skips between them: PostgreSQL
# stacks one operator per `-` and fails past 32 ("tsquery stack too small", a 500). Nobody
# means more than a few.
_NEGATION_RUN = re.compile(r'-(?:[^\w"]*-)+')
MAX_NEGATIONS_IN_A_ROW = 8


def clean_query(query: str) -> str:
    """The query, trimmed; BAD_USER_INPUT when blank, too long, or with a run of negations
    PostgreSQL cannot parse (a blank query matches nothing, and saying so beats an empty page
    that looks like "no results")."""
    text = " ".join(query.split())
    if not text:
        raise InvalidInput("Search query must not be blank.", field="query")
    if len(text) > QUERY_MAX_CHARS:
        raise InvalidInput(
            f"Search query must be at most {QUERY_MAX_CHARS} characters.", field="query"
        )
    runs = _NEGATION_RUN.finditer(text)
    if any(run.group().count("-") > MAX_NEGATIONS_IN_A_ROW for run in runs):
        raise InvalidInput(
            f"Search query must not have more than {MAX_NEGATIONS_IN_A_ROW} `-` in a row.",
            field="query",
        )
    return text


class InsightsService:
    def __init__(
        self,
        settings: Settings,
        db_sessions: async_sessionmaker[AsyncSession],
        budgets: TokenBudgets | None,
    ) -> None:
        self._settings = settings
        self._db = db_sessions
        self.budgets = budgets

    # -- search --------------------------------------------------------------------------

    async def search(
        self, user_id: uuid.UUID, query: str, first: int, after: RankPosition | None
    ) -> Page[SearchHit]:
        """The caller's best hits after `after`, titles and messages, with the total."""
        text = clean_query(query)
        terms = snippets.highlight_terms(text)
        async with self._db() as db:
            found = await repository.search_page(db, user_id, text, terms, first + 1, after)
        hits = [self._hit(row, terms) for row in found.rows[:first]]
        return Page(items=hits, has_more=len(found.rows) > first, total=found.total)

    @staticmethod
    def _hit(row: repository.SearchRow, terms: str) -> SearchHit:
        if row.message is not None:
            snippet = snippets.build(row.message.content, row.matched_words, terms)
        else:
            snippet = snippets.build(
                row.conversation.title or "", row.matched_words, terms, fuzzy=True
            )
        return SearchHit(row.conversation, row.message, snippet, (row.score, row.hit_id))

    # -- usage ---------------------------------------------------------------------------

    async def usage(
        self, user_id: uuid.UUID, start: dt.datetime | None, end: dt.datetime | None
    ) -> UsageReport:
        """Usage in [start, end): by default the current budget period up to now, or the last
        30 days without a budget."""
        now = dt.datetime.now(dt.UTC)
        period = self.budgets.period(now) if self.budgets is not None else None
        end = end or now
        if start is None:
            start = (
                period.start if period is not None else end - dt.timedelta(days=DEFAULT_USAGE_DAYS)
            )
        if start.tzinfo is None or end.tzinfo is None:
            raise InvalidInput("from and to need a time zone offset.", field="from")
        if start >= end:
            raise InvalidInput("from must be before to.", field="from")
        async with self._db() as db:
            rows = await repository.usage(
                db, user_id, start, end, (period.start, period.end) if period else None
            )
        report = _report(rows)
        if self.budgets is not None:
            budget = await self.budgets.state(user_id, rows.period_tokens)
            report = UsageReport(
                report.prompt_tokens,
                report.completion_tokens,
                report.replies,
                report.by_model,
                report.by_day,
                budget,
            )
        return report

    # -- budgets -------------------------------------------------------------------------

    def reply_maximum(self, prompt_tokens: int) -> int:
        """What one reply may cost at most: its estimated prompt and the output cap."""
        return prompt_tokens + self._settings.ai_max_output_tokens

    async def reserve_reply(self, user_id: uuid.UUID, prompt_tokens: int) -> Reservation | None:
        """Hold a reply's maximum against the budget; QuotaExceeded when it is spent. None
        without a budget."""
        if self.budgets is None:
            return None
        return await self.budgets.reserve(
            user_id, self.reply_maximum(prompt_tokens), self._stored_tokens
        )

    async def settle_reply(self, reservation: Reservation | None, used_tokens: int) -> None:
        if self.budgets is not None:
            await self.budgets.settle(reservation, used_tokens)

    async def _stored_tokens(self, user_id: uuid.UUID, start: dt.datetime, end: dt.datetime) -> int:
        async with self._db() as db:
            return await repository.tokens_between(db, user_id, start, end)


def _report(rows: repository.UsageRows) -> UsageReport:
    total = next((g for g in rows.groups if g.model is None and g.day is None), None)
    by_model = sorted(
        (
            ModelUsage(g.provider, g.model, g.prompt_tokens + g.completion_tokens, g.replies)
            for g in rows.groups
            if g.provider is not None and g.model is not None and g.calls
        ),
        key=lambda m: (-m.total_tokens, m.provider.value, m.model),
    )
    by_day = sorted(
        (
            DailyUsage(g.day, g.prompt_tokens + g.completion_tokens)
            for g in rows.groups
            if g.day is not None and g.calls
        ),
        key=lambda d: d.day,
    )
    return UsageReport(
        prompt_tokens=total.prompt_tokens if total else 0,
        completion_tokens=total.completion_tokens if total else 0,
        replies=total.replies if total else 0,
        by_model=by_model,
        by_day=by_day,
        budget=None,
    )
