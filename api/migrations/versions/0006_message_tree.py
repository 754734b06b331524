"""messages form a tree

Each message gets its parent (NULL for a conversation's first message) and its depth (1 for a
first message), and each conversation the last message of the branch it shows. Edits and
regenerations add siblings: messages with the same parent. Every existing conversation becomes
one chain, in the order it was shown (created_at, id): each message's parent is the one before
it, and the current message is the last.

Downgrading drops the tree: every message stays, and a conversation shows all of them in
time order again, siblings included.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("parent_id", sa.Uuid()))
    op.add_column("messages", sa.Column("depth", sa.Integer(), server_default="1", nullable=False))
    op.add_column("conversations", sa.Column("current_message_id", sa.Uuid()))
    op.execute(
        """
        WITH chain AS (
            SELECT id,
                   lag(id) OVER w AS parent_id,
                   row_number() OVER w AS depth
            FROM messages
            WINDOW w AS (PARTITION BY conversation_id ORDER BY created_at, id)
        )
        UPDATE messages AS m SET parent_id = chain.parent_id, depth = chain.depth
        FROM chain WHERE m.id = chain.id
        """
    )
    op.execute(
        """
        UPDATE conversations AS c SET current_message_id = (
            SELECT m.id FROM messages AS m WHERE m.conversation_id = c.id
            ORDER BY m.created_at DESC, m.id DESC LIMIT 1
        )
        """
    )
    # Added after the data, so the backfill does not check each row twice.
    op.create_foreign_key(
        "fk_messages_parent_id_messages",
        "messages",
        "messages",
        ["parent_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.create_index("ix_messages_parent", "messages", ["parent_id"])
    op.create_foreign_key(
        "fk_conversations_current_message_id_messages",
        "conversations",
        "messages",
        ["current_message_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(
        "fk_conversations_current_message_id_messages", "conversations", type_="foreignkey"
    )
    op.drop_column("conversations", "current_message_id")
    op.drop_index("ix_messages_parent", table_name="messages")
    op.drop_constraint("fk_messages_parent_id_messages", "messages", type_="foreignkey")
    op.drop_column("messages", "depth")
    op.drop_column("messages", "parent_id")
