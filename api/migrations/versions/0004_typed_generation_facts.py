"""typed generation facts on messages

The JSON `metadata` of assistant messages becomes typed columns (provider, model, tokens,
latency, time to first token, finish reason, attempts, fallback, error), so usage can be
summed in SQL and nothing reads guessed keys. Existing rows are carried over; `attempts` was
never recorded before, so old replies count one. `tokens_used` is their sum from now on.
SYSTEM was never written as a role: the check now allows what the app writes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROVIDERS = ("OPENAI", "ANTHROPIC", "GEMINI", "GROK", "OLLAMA", "DEMO")


def _provider(name: str) -> sa.Enum:
    return sa.Enum(*PROVIDERS, name=name, native_enum=False, length=16, create_constraint=True)


def upgrade() -> None:
    op.add_column("messages", sa.Column("provider", _provider("message_provider")))
    op.add_column("messages", sa.Column("model", sa.String(100)))
    op.add_column("messages", sa.Column("prompt_tokens", sa.Integer()))
    op.add_column("messages", sa.Column("completion_tokens", sa.Integer()))
    op.add_column("messages", sa.Column("latency_ms", sa.Integer()))
    op.add_column("messages", sa.Column("ttft_ms", sa.Integer()))
    op.add_column("messages", sa.Column("finish_reason", sa.String(64)))
    op.add_column("messages", sa.Column("attempts", sa.Integer()))
    op.add_column("messages", sa.Column("fallback_from", _provider("message_fallback_from")))
    op.add_column("messages", sa.Column("error", sa.Text()))
    op.add_column("messages", sa.Column("error_status", sa.Integer()))
    op.execute(
        """
        UPDATE messages SET
          provider = CASE WHEN metadata->>'provider' IN
                       ('OPENAI', 'ANTHROPIC', 'GEMINI', 'GROK', 'OLLAMA', 'DEMO')
                     THEN metadata->>'provider' END,
          model = left(metadata->>'model', 100),
          prompt_tokens = (metadata->>'promptTokens')::int,
          completion_tokens = (metadata->>'completionTokens')::int,
          latency_ms = (metadata->>'latencyMs')::int,
          ttft_ms = (metadata->>'ttftMs')::int,
          finish_reason = left(metadata->>'finishReason', 64),
          attempts = 1,
          error = metadata->>'error',
          error_status = (metadata->>'errorStatus')::int
        WHERE role = 'ASSISTANT'
        """
    )
    op.drop_column("messages", "metadata")
    op.drop_column("messages", "tokens_used")
    op.drop_constraint(op.f("ck_messages_message_role"), "messages", type_="check")
    op.create_check_constraint(
        op.f("ck_messages_message_role"), "messages", "role IN ('USER', 'ASSISTANT')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_messages_message_role"), "messages", type_="check")
    op.create_check_constraint(
        op.f("ck_messages_message_role"), "messages", "role IN ('SYSTEM', 'USER', 'ASSISTANT')"
    )
    op.add_column("messages", sa.Column("tokens_used", sa.Integer()))
    op.add_column(
        "messages",
        sa.Column(
            "metadata",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
    )
    op.execute(
        """
        UPDATE messages SET
          tokens_used = prompt_tokens + completion_tokens,
          metadata = jsonb_strip_nulls(jsonb_build_object(
            'provider', provider, 'model', model, 'promptTokens', prompt_tokens,
            'completionTokens', completion_tokens, 'latencyMs', latency_ms, 'ttftMs', ttft_ms,
            'finishReason', finish_reason, 'error', error, 'errorStatus', error_status))
        WHERE role = 'ASSISTANT'
        """
    )
    for column in (
        "error_status",
        "error",
        "fallback_from",
        "attempts",
        "finish_reason",
        "ttft_ms",
        "latency_ms",
        "completion_tokens",
        "prompt_tokens",
        "model",
        "provider",
    ):
        op.drop_column("messages", column)
