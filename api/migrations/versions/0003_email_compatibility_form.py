"""emails in their compatibility form

Accounts are now looked up by the NFKC form of the email, case-folded, so look-alike spellings
(a fullwidth letter, say) are one account. Existing rows get that form too, except where it
would collide with another account: such a pair is left as it is, for an operator to merge.
PostgreSQL's lower() folds a little less than Python's casefold() (ß stays ß); the app writes
the casefolded form from now on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        UPDATE users AS u
        SET email = lower(normalize(u.email, NFKC))
        WHERE u.email <> lower(normalize(u.email, NFKC))
          AND NOT EXISTS (
            SELECT 1 FROM users AS other
            WHERE other.id <> u.id
              AND lower(other.email) = lower(normalize(u.email, NFKC))
          )
        """
    )


def downgrade() -> None:
    # The old spellings are not kept; the normalised ones work with the old code too.
    pass
