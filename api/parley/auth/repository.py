"""The SQL of the accounts domain."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.auth.tables import User

UNIQUE_VIOLATION = "23505"


class EmailTaken(Exception):
    pass


async def user_by_email(db: AsyncSession, email: str) -> User | None:
    return await db.scalar(select(User).where(func.lower(User.email) == email))


async def user(db: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await db.get(User, user_id)


async def add_user(db: AsyncSession, user: User) -> None:
    """Insert and flush; `EmailTaken` when the unique index on the email refuses it."""
    db.add(user)
    try:
        await db.flush()
    except IntegrityError as exc:
        # Only the unique index means "taken"; other failures are ours.
        if getattr(exc.orig, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        raise EmailTaken from None
