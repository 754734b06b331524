"""The SQL of search and usage, and only SQL: each function is one statement.

Search reads the generated `tsvector` columns and the trigram index of migration 0007; the
text search configuration here must be the one those columns were generated with.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Float, Integer, String, Uuid, bindparam, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from parley.ai.providers import AIProvider
from parley.chat.tables import Conversation, Message

# A search position: the hit's score, then its id (a message's, or the conversation's for a
# title hit) to break ties.
RankPosition = tuple[float, uuid.UUID]


@dataclass(frozen=True)
class SearchRow:
    conversation: Conversation
    message: Message | None
    score: float
    hit_id: uuid.UUID
    # The distinct lower-cased words of the hit's text that PostgreSQL stems to a query term.
    matched_words: list[str]


@dataclass(frozen=True)
class SearchRows:
    rows: list[SearchRow]
    total: int


# Hits of one user: titles by full text or trigrams (partial words and typos), messages by
# full text; scored in one scale (a title's lexemes weigh A, a message's D: a title match
# outranks a message match) and cut at the keyset position. `total` counts every hit, so the
# `hits` CTE is computed once and read twice. The `meta` row exists even when the page is
# empty, so the total always comes back.
_PAGE = text(
    """
    WITH hits AS (
        SELECT c.id AS conversation_id, NULL::uuid AS message_id, c.id AS hit_id,
               (ts_rank(c.title_tsv, websearch_to_tsquery('english'::regconfig, :query))
                + word_similarity(:query, c.title))::float8 AS score
        FROM conversations AS c
        WHERE c.user_id = :user_id
          AND (c.title_tsv @@ websearch_to_tsquery('english'::regconfig, :query)
               OR :query <% c.title)
        UNION ALL
        SELECT m.conversation_id, m.id, m.id,
               ts_rank(m.content_tsv, websearch_to_tsquery('english'::regconfig, :query))::float8
        FROM messages AS m
        JOIN conversations AS c ON c.id = m.conversation_id
        WHERE c.user_id = :user_id
          AND m.content_tsv @@ websearch_to_tsquery('english'::regconfig, :query)
    ),
    page AS (
        SELECT * FROM hits
        WHERE CAST(:after_score AS float8) IS NULL
           OR (score, hit_id) < (CAST(:after_score AS float8), CAST(:after_id AS uuid))
        ORDER BY score DESC, hit_id DESC
        LIMIT :limit
    )
    SELECT page.conversation_id, page.message_id, page.hit_id, page.score, meta.total,
           terms.lexemes, terms.word_pattern
    FROM (SELECT count(*) AS total FROM hits) AS meta
    CROSS JOIN (
        SELECT tsvector_to_array(to_tsvector('english'::regconfig, CAST(:terms AS text)))
                   AS lexemes,
               -- The words that could stem to a query lexeme: those starting with it less
               -- its last letter (the stemmer cuts or turns y into i: "happi" from "happy"),
               -- or with its first letter when it is short ("die" from "dying"). NULL when
               -- nothing can match.
               '(?:^|[^[:alnum:]])((?:'
               || (SELECT string_agg(DISTINCT CASE WHEN length(l) >= 4
                                                  THEN left(l, length(l) - 1)
                                                  ELSE left(l, 1) END, '|')
                   FROM unnest(tsvector_to_array(
                            to_tsvector('english'::regconfig, CAST(:terms AS text)))) AS l
                   WHERE l ~ '^[[:alnum:]]+$')
               || ')[[:alnum:]]*)' AS word_pattern
    ) AS terms
    LEFT JOIN page ON true
    """
).columns(
    conversation_id=Uuid,
    message_id=Uuid,
    hit_id=Uuid,
    score=Float,
    total=Integer,
    lexemes=ARRAY(String),
    word_pattern=String,
)

# Which words of the hit's text match the query: each distinct word of it whose lexemes
# overlap the query's (positive) lexemes (computed once, in `page`), by PostgreSQL's own
# stemmer, so highlights agree with what matched. Only the candidates `word_pattern` finds in
# one regex pass are stemmed, never every word of a long message (stemming word by word was
# most of a page's time). Words are runs of letters and digits, as `snippets.words` splits
# them; the snippet's window is cut around the first of them (`snippets.build`).
_MATCHED_WORDS = """
    ARRAY(
        SELECT candidate.w
        FROM (
            SELECT DISTINCT found.parts[1] AS w
            FROM regexp_matches(lower(coalesce(hit_message.content, conversations.title, '')),
                                page.word_pattern, 'g') AS found(parts)
        ) AS candidate
        WHERE tsvector_to_array(to_tsvector('english'::regconfig, candidate.w))
              && page.lexemes
    )
"""


async def search_page(
    db: AsyncSession,
    user_id: uuid.UUID,
    query: str,
    terms: str,
    limit: int,
    after: RankPosition | None,
) -> SearchRows:
    """Up to `limit` hits of `user_id` after `after`, best first, with every hit's total, in
    one statement. `query` is web-style search syntax; `terms` are its words to highlight
    (without negated ones)."""
    page = (
        _PAGE.bindparams(
            bindparam("query", query, type_=String),
            bindparam("user_id", user_id, type_=Uuid),
            bindparam("after_score", after[0] if after else None, type_=Float),
            bindparam("after_id", after[1] if after else None, type_=Uuid),
            bindparam("limit", limit, type_=Integer),
            bindparam("terms", terms, type_=String),
        )
    ).subquery("page")
    hit_message = aliased(Message, name="hit_message")
    words = literal_column(_MATCHED_WORDS, ARRAY(String)).label("matched_words")
    statement = (
        select(Conversation, hit_message, page.c.score, page.c.hit_id, page.c.total, words)
        .select_from(page)
        .outerjoin(Conversation, Conversation.id == page.c.conversation_id)
        .outerjoin(hit_message, hit_message.id == page.c.message_id)
        .order_by(page.c.score.desc().nulls_last(), page.c.hit_id.desc())
    )
    result = (await db.execute(statement)).all()
    total = int(result[0].total) if result else 0
    rows = [
        SearchRow(conversation, message, float(score), hit_id, list(matched or []))
        for conversation, message, score, hit_id, _, matched in result
        if conversation is not None
    ]
    return SearchRows(rows, total)


@dataclass(frozen=True)
class UsageGroup:
    """One group of the usage aggregate: the whole range, one model, or one UTC day."""

    provider: AIProvider | None
    model: str | None
    day: dt.date | None
    prompt_tokens: int
    completion_tokens: int
    replies: int
    # Replies and other charged calls (titles).
    calls: int


@dataclass(frozen=True)
class UsageRows:
    groups: list[UsageGroup]
    # Tokens in the budget period (when one was asked for), whatever the report's range.
    period_tokens: int


# One pass over what the user was charged in the union of the report's range and the budget
# period: their replies (a fork's copies excluded: the original paid) and their other provider
# calls (`usage_charges`: titles). Grouping sets give the totals (), per model and per UTC day;
# FILTER keeps each sum to its own range. Groups with only out-of-range rows come back with
# zero calls.
_USAGE = text(
    """
    WITH charged AS (
        SELECT m.provider, m.model, m.created_at, m.prompt_tokens, m.completion_tokens,
               1 AS reply
        FROM conversations AS c
        JOIN messages AS m ON m.conversation_id = c.id
        WHERE c.user_id = :user_id
          AND m.role = 'ASSISTANT' AND m.provider IS NOT NULL AND NOT m.copied
          AND ((m.created_at >= :from_at AND m.created_at < :to_at)
               OR (m.created_at >= :period_start AND m.created_at < :period_end))
        UNION ALL
        SELECT u.provider, u.model, u.created_at, u.prompt_tokens, u.completion_tokens, 0
        FROM usage_charges AS u
        WHERE u.user_id = :user_id
          AND ((u.created_at >= :from_at AND u.created_at < :to_at)
               OR (u.created_at >= :period_start AND u.created_at < :period_end))
    )
    SELECT ch.provider, ch.model, (ch.created_at AT TIME ZONE 'UTC')::date AS day,
           GROUPING(ch.provider, ch.model) AS no_model,
           GROUPING((ch.created_at AT TIME ZONE 'UTC')::date) AS no_day,
           coalesce(sum(coalesce(ch.prompt_tokens, 0)) FILTER (WHERE in_range), 0) AS prompt,
           coalesce(sum(coalesce(ch.completion_tokens, 0)) FILTER (WHERE in_range), 0)
               AS completion,
           count(*) FILTER (WHERE in_range AND ch.reply = 1) AS replies,
           count(*) FILTER (WHERE in_range) AS calls,
           coalesce(sum(coalesce(ch.prompt_tokens, 0) + coalesce(ch.completion_tokens, 0))
                    FILTER (WHERE in_period), 0) AS period_tokens
    FROM charged AS ch
    CROSS JOIN LATERAL (
        SELECT ch.created_at >= :from_at AND ch.created_at < :to_at AS in_range,
               ch.created_at >= :period_start AND ch.created_at < :period_end AS in_period
    ) AS flags
    GROUP BY GROUPING SETS ((), (ch.provider, ch.model),
                            ((ch.created_at AT TIME ZONE 'UTC')::date))
    """
)

_EMPTY_PERIOD = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


async def usage(
    db: AsyncSession,
    user_id: uuid.UUID,
    start: dt.datetime,
    end: dt.datetime,
    period: tuple[dt.datetime, dt.datetime] | None,
) -> UsageRows:
    """What the user was charged with `start <= created_at < end` (replies and titles):
    totals, per model, per UTC day; and the tokens charged in `period`, in one statement."""
    period_start, period_end = period or (_EMPTY_PERIOD, _EMPTY_PERIOD)
    result = await db.execute(
        _USAGE,
        {
            "user_id": user_id,
            "from_at": start,
            "to_at": end,
            "period_start": period_start,
            "period_end": period_end,
        },
    )
    groups: list[UsageGroup] = []
    period_tokens = 0
    for row in result.mappings():
        if row["no_model"] and row["no_day"]:
            period_tokens = int(row["period_tokens"])
        groups.append(
            UsageGroup(
                provider=AIProvider(row["provider"]) if not row["no_model"] else None,
                model=row["model"] if not row["no_model"] else None,
                day=row["day"] if not row["no_day"] else None,
                prompt_tokens=int(row["prompt"]),
                completion_tokens=int(row["completion"]),
                replies=int(row["replies"]),
                calls=int(row["calls"]),
            )
        )
    return UsageRows(groups, period_tokens)


# The same charges as `_USAGE`, summed over one range.
_PERIOD_TOKENS = text(
    """
    SELECT coalesce(sum(tokens), 0) FROM (
        SELECT coalesce(m.prompt_tokens, 0) + coalesce(m.completion_tokens, 0) AS tokens
        FROM conversations AS c JOIN messages AS m ON m.conversation_id = c.id
        WHERE c.user_id = :user_id AND m.role = 'ASSISTANT' AND m.provider IS NOT NULL
          AND NOT m.copied AND m.created_at >= :start AND m.created_at < :end
        UNION ALL
        SELECT u.prompt_tokens + u.completion_tokens
        FROM usage_charges AS u
        WHERE u.user_id = :user_id AND u.created_at >= :start AND u.created_at < :end
    ) AS charged
    """
)


async def tokens_between(
    db: AsyncSession, user_id: uuid.UUID, start: dt.datetime, end: dt.datetime
) -> int:
    """The tokens the user was charged for calls started in [start, end): replies, titles."""
    value = await db.scalar(_PERIOD_TOKENS, {"user_id": user_id, "start": start, "end": end})
    return int(value or 0)
