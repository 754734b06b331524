"""Per-operation dataloaders, so a page of conversations costs the same few statements for
2 or 100 rows.

They live in a ContextVar set when each operation starts: a socket's context is shared by
all its operations, but each operation runs in its own task, so the ContextVar is not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.extensions import SchemaExtension

from parley.chat import repository
from parley.chat.models import Conversation, Message

_current: ContextVar[ChatLoaders | None] = ContextVar("chat_loaders", default=None)


class ChatLoaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        # Each batch opens its own short session: sibling resolvers run concurrently.
        self._db = sessions
        self.conversation = DataLoader[uuid.UUID, Conversation | None](self._conversations)
        self.message_count = DataLoader[uuid.UUID, int](self._message_counts)
        self.last_message = DataLoader[uuid.UUID, Message | None](self._last_messages)

    async def _conversations(self, ids: Sequence[uuid.UUID]) -> list[Conversation | None]:
        async with self._db() as db:
            found = await repository.conversations_by_id(db, ids)
        return [found.get(i) for i in ids]

    async def _message_counts(self, ids: Sequence[uuid.UUID]) -> list[int]:
        async with self._db() as db:
            counts = await repository.message_counts(db, ids)
        return [counts.get(i, 0) for i in ids]

    async def _last_messages(self, ids: Sequence[uuid.UUID]) -> list[Message | None]:
        async with self._db() as db:
            found = await repository.last_messages(db, ids)
        return [found.get(i) for i in ids]

    def forget(self, conversation_id: uuid.UUID) -> None:
        """After a write in this operation, later reads must not see the old values."""
        self.message_count.clear(conversation_id)
        self.last_message.clear(conversation_id)


def chat_loaders() -> ChatLoaders:
    loaders = _current.get()
    if loaders is None:
        raise RuntimeError("ChatLoaders used outside an operation (OperationLoaders missing)")
    return loaders


class OperationLoaders(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        sessions = self.execution_context.context.state.sessions
        token = _current.set(ChatLoaders(sessions))
        try:
            yield
        finally:
            _current.reset(token)
