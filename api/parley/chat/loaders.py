"""Dataloaders for one GraphQL operation, so a page of conversations costs the same few
statements for 2 or 100 rows, and several `conversation` fields in one document one lookup.

Built per operation (see `Context.for_operation`): a loader's cache must not outlive the
operation that filled it. Each batch goes through the chat service.

The loaders also keep the operation's response budget (`ResponseBytes`): what they hand out
is charged to it, so an operation that would answer more than it may fails as soon as it has
loaded that much, instead of building the whole answer first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aiodataloader import DataLoader

from parley.chat.repository import BranchMessage
from parley.chat.service import ChatService
from parley.chat.tables import Conversation, Message
from parley.errors import ResponseTooLarge
from parley.pagination import Page, Position

# A conversation's page of its current branch: (conversation id, last, before).
PageKey = tuple[uuid.UUID, int, Position | None]


class ResponseBytes:
    """Bytes an operation's answer will hold at least, counted as text is loaded; off until
    `limit` is set (a subscription's operation lives for many answers, not one)."""

    def __init__(self) -> None:
        self.limit: int | None = None
        self.used = 0

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.used > self.limit

    def charge(self, *texts: str | None) -> None:
        if self.limit is None:
            return
        # Characters: never more than the UTF-8 (or escaped JSON) bytes they become.
        self.used += sum(len(t) for t in texts if t)
        if self.used > self.limit:
            raise ResponseTooLarge(self.limit)


class ChatLoaders:
    def __init__(self, chat: ChatService) -> None:
        self.response_bytes = ResponseBytes()
        self.conversation = DataLoader[uuid.UUID, Conversation | None](chat.conversations_by_id)
        self.message_count = DataLoader[uuid.UUID, int](chat.message_counts)
        self.last_message = DataLoader[uuid.UUID, Message | None](chat.last_messages)
        # Message id -> the ids of its turn's versions, oldest first (itself included).
        self.siblings = DataLoader[uuid.UUID, list[uuid.UUID]](chat.sibling_ids)
        self._chat = chat
        self._messages = DataLoader[PageKey, Page[BranchMessage]](self._messages_pages)

    async def _messages_pages(self, keys: Sequence[PageKey]) -> list[Page[BranchMessage]]:
        # One statement per page shape; a document usually asks one (`last`, no cursor).
        shapes: dict[tuple[int, Position | None], list[uuid.UUID]] = {}
        for conversation_id, last, before in keys:
            shapes.setdefault((last, before), []).append(conversation_id)
        found: dict[PageKey, Page[BranchMessage]] = {}
        for (last, before), ids in shapes.items():
            pages = await self._chat.messages_pages(ids, last, before)
            found.update(((i, last, before), p) for i, p in zip(ids, pages, strict=True))
        return [found[k] for k in keys]

    async def messages_page(
        self,
        conversation_id: uuid.UUID,
        last: int,
        before: Position | None,
        *,
        answers_text: bool = True,
    ) -> Page[BranchMessage]:
        """A page of a conversation already checked to be the caller's. When the answer shows
        the messages' text (`answers_text`), it is charged each time it is handed out (two
        aliases of one page answer it twice)."""
        page = await self._messages.load((conversation_id, last, before))
        if not answers_text:
            return page
        try:
            self.response_bytes.charge(*(m.message.content for m in page.items))
        except ResponseTooLarge:
            # The error's traceback keeps this frame and the context (so these loaders) until
            # the collector runs: let it keep no text.
            del page
            self.release()
            raise
        return page

    def release(self) -> None:
        """Drop every loaded value (the operation is over, or refused)."""
        for loader in (self.conversation, self.last_message, self.siblings, self._messages):
            loader.clear_all()

    def forget(self, conversation_id: uuid.UUID) -> None:
        """After a write in this operation, later reads must not see the old values."""
        self.message_count.clear(conversation_id)
        self.last_message.clear(conversation_id)
        # Keyed by page too; a write is rare enough to drop them all.
        self._messages.clear_all()
