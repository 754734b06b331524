"""Every table, imported in one place for Alembic and the test bootstrap."""

from parley.auth.tables import User
from parley.chat.tables import Conversation, Message, UsageCharge

__all__ = ["Conversation", "Message", "UsageCharge", "User"]
