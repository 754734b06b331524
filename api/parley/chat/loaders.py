"""Dataloaders for one GraphQL operation, so a page of conversations costs the same few
statements for 2 or 100 rows, and several `conversation` fields in one document one lookup.

Built per operation (see `Context.for_operation`): a loader's cache must not outlive the
operation that filled it. Each batch goes through the chat service.
"""

from __future__ import annotations

import uuid

from aiodataloader import DataLoader

from parley.chat.service import ChatService
from parley.chat.tables import Conversation, Message


class ChatLoaders:
    def __init__(self, chat: ChatService) -> None:
        self.conversation = DataLoader[uuid.UUID, Conversation | None](chat.conversations_by_id)
        self.message_count = DataLoader[uuid.UUID, int](chat.message_counts)
        self.last_message = DataLoader[uuid.UUID, Message | None](chat.last_messages)
        # Message id -> the ids of its turn's versions, oldest first (itself included).
        self.siblings = DataLoader[uuid.UUID, list[uuid.UUID]](chat.sibling_ids)

    def forget(self, conversation_id: uuid.UUID) -> None:
        """After a write in this operation, later reads must not see the old values."""
        self.message_count.clear(conversation_id)
        self.last_message.clear(conversation_id)
