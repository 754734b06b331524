"""Every table, imported in one place for Alembic and the test bootstrap."""

from parley.auth.models import User
from parley.chat.models import Conversation, Message

__all__ = ["Conversation", "Message", "User"]
