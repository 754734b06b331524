from __future__ import annotations

import uuid

from sqlalchemy import Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from parley.db import Base, TimestampMixin, new_id


class User(TimestampMixin, Base):
    __tablename__ = "users"
    # Emails are stored normalised, and the unique index on lower(email) guards the rule anyway.
    __table_args__ = (Index("uq_users_email_lower", func.lower("email"), unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320))
    hashed_password: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str | None] = mapped_column(String(200))
