"""final event seq of a reply

A reply's events live in Redis for a while after it ends (REPLY_EVENTS_TTL_SECONDS). Once
they expire, a follower gets the final event built from the database, and that event must
carry the same seq it had in the stream: `final_seq` keeps it. NULL for user messages and for
replies stored before durable replies.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("final_seq", sa.Integer()))


def downgrade() -> None:
    op.drop_column("messages", "final_seq")
