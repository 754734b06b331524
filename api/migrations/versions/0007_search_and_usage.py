"""search and usage

Full-text search over conversation titles and messages: a stored generated `tsvector` on each
(English configuration; titles weighted A so a title match outranks a message match), each with
a GIN index, and `pg_trgm` with a trigram GIN index on titles so partial words and typos in
titles still find them. Usage is summed from the messages' generation facts: the assistant
messages of a conversation in a time range come from the existing
(conversation_id, created_at, id) index, so nothing is added for it.

Downgrading drops the columns and indexes; the extension stays (other databases objects may
use it, and it holds no data).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The configuration is named, which makes to_tsvector immutable, as a generated column
    # needs; the query side must use the same one (parley.insights.repository).
    op.execute(
        "ALTER TABLE conversations ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')) STORED"
    )
    op.execute(
        "ALTER TABLE messages ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS "
        "(to_tsvector('english'::regconfig, content)) STORED"
    )
    op.execute("CREATE INDEX ix_conversations_title_tsv ON conversations USING gin (title_tsv)")
    op.execute("CREATE INDEX ix_messages_content_tsv ON messages USING gin (content_tsv)")
    op.execute(
        "CREATE INDEX ix_conversations_title_trgm ON conversations USING gin (title gin_trgm_ops)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_conversations_title_trgm")
    op.execute("DROP INDEX ix_messages_content_tsv")
    op.execute("DROP INDEX ix_conversations_title_tsv")
    op.execute("ALTER TABLE messages DROP COLUMN content_tsv")
    op.execute("ALTER TABLE conversations DROP COLUMN title_tsv")
