"""one running reply per conversation

A conversation may have at most one STREAMING message: a partial unique index, so two API
processes starting replies in one conversation at the same instant cannot both succeed (the
second insert fails and the API answers CONFLICT with the running reply's id).

Rows written before this rule may break it: in each conversation, every STREAMING message but
the newest is stored FAILED first (with the text it had), as the reaper would have done.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
# Rechained onto 0007 when the search branch (which adds 0007) is merged.
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE messages AS m
        SET status = 'FAILED', error = 'The server stopped before the reply finished.'
        WHERE m.status = 'STREAMING' AND EXISTS (
            SELECT 1 FROM messages AS newer
            WHERE newer.conversation_id = m.conversation_id AND newer.status = 'STREAMING'
              AND (newer.created_at, newer.id) > (m.created_at, m.id)
        )
        """
    )
    op.create_index(
        "ux_messages_one_running",
        "messages",
        ["conversation_id"],
        unique=True,
        postgresql_where="status = 'STREAMING'",
    )


def downgrade() -> None:
    op.drop_index("ux_messages_one_running", table_name="messages")
