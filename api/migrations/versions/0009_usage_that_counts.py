"""usage that counts every token

Replies that stop or fail mid-stream are charged an estimate, and `usage_estimated` says so;
a fork's copies are marked `copied` and carry no usage (the original reply paid once); title
requests, which are not messages, are charged in `usage_charges`. Rows written before keep
`false` for both flags: earlier forks cannot be told from their originals.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PROVIDERS = ("OPENAI", "ANTHROPIC", "GEMINI", "GROK", "OLLAMA", "DEMO")


def _checked(name: str, values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16, create_constraint=True)


def upgrade() -> None:
    for column in ("usage_estimated", "copied"):
        op.add_column(
            "messages",
            sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False),
        )
    op.create_table(
        "usage_charges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", _checked("charge_purpose", ("TITLE",)), nullable=False),
        sa.Column("provider", _checked("charge_provider", PROVIDERS), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("usage_estimated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_usage_charges_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_usage_charges_conversation_id_conversations",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_usage_charges"),
    )
    op.create_index("ix_usage_charges_user_created", "usage_charges", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_usage_charges_user_created", table_name="usage_charges")
    op.drop_table("usage_charges")
    op.drop_column("messages", "copied")
    op.drop_column("messages", "usage_estimated")
