"""Conversations and replies: ownership, validation, and what is stored when.

Every read and write of the chat domain goes through here; the SQL is in `repository`. A write
is one unit (`_write`): it commits, then the user's cached answers go stale and the change is
published, so no write can forget either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tenacity import AsyncRetrying, stop_after_attempt

from parley.ai import AIProvider, CallFacts, ChatMessage, ProviderClient, ProviderRegistry, Role
from parley.ai.token_estimates import charged, estimate_prompt
from parley.changes import Change, ChangeFeed, ChangeKind
from parley.chat import context_window, export, repository
from parley.chat.forks import branch_title, copy_branch
from parley.chat.repository import BranchMessage, ConversationSummary
from parley.chat.tables import (
    RUNNING_REPLY_INDEX,
    ChargePurpose,
    Conversation,
    Message,
    MessageRole,
    MessageStatus,
)
from parley.chat.titles import TitleNamer
from parley.chat.validation import (
    clean_content,
    clean_model,
    clean_system_prompt,
    clean_title,
    title_from_message,
)
from parley.errors import Forbidden, InvalidInput, NotFound, ReplyAlreadyRunning
from parley.insights.budgets import Reservation
from parley.metrics.instruments import record_reply
from parley.pagination import Page, Position
from parley.settings import Settings

log = structlog.get_logger(__name__)
_ROLES: dict[MessageRole, Role] = {MessageRole.USER: "user", MessageRole.ASSISTANT: "assistant"}
INTERRUPTED = "The server stopped before the reply finished."


@dataclass(frozen=True)
class ConversationChanges:
    title: str | None = None
    ai_provider: AIProvider | None = None
    ai_model: str | None = None
    system_prompt: str | None = None


@dataclass(frozen=True)
class PreparedReply:
    """A stored user message and its reply-to-be, with everything needed to ask the provider."""

    conversation: Conversation
    user_message: Message
    assistant_message: Message
    client: ProviderClient
    system: str
    context: list[ChatMessage]
    # The title this reply's first message gave its conversation (by the heuristic), which a
    # model's title may replace; None when the conversation already had one.
    named_as: str | None = None
    # The tokens held against the user's budget until the reply settles (None: no budget).
    reservation: Reservation | None = None


class ReplyBudget(Protocol):
    """Holds a reply's maximum against its user's token budget before the provider is asked
    (refusing with QuotaExceeded when it is spent) and settles it with what the reply used."""

    async def reserve_reply(self, user_id: uuid.UUID, prompt_tokens: int) -> Reservation | None: ...

    async def settle_reply(self, reservation: Reservation | None, used_tokens: int) -> None: ...


@dataclass
class _Unit:
    db: AsyncSession
    changes: list[Change] = field(default_factory=list)

    def changed(self, conversation_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.CHANGED, conversation_id))

    def deleted(self, conversation_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.DELETED, conversation_id))

    def reply_running(self, conversation_id: uuid.UUID, message_id: uuid.UUID) -> None:
        self.changes.append(Change(ChangeKind.REPLY_RUNNING, conversation_id, message_id))


def check_owner(conversation: Conversation | None, user_id: uuid.UUID) -> Conversation:
    """The conversation if `user_id` owns it: NOT_FOUND when missing, FORBIDDEN when not theirs."""
    if conversation is None:
        raise NotFound("Conversation not found.")
    if conversation.user_id != user_id:
        raise Forbidden("This conversation belongs to someone else.")
    return conversation


class ChatService:
    def __init__(
        self,
        settings: Settings,
        db_sessions: async_sessionmaker[AsyncSession],
        providers: ProviderRegistry,
        changes: ChangeFeed,
        budget: ReplyBudget | None = None,
    ) -> None:
        self._settings = settings
        self._db = db_sessions
        self._providers = providers
        self._changes = changes
        self._budget = budget
        self.titles = TitleNamer(
            settings, providers, self._rename_by_model, self._hold_title, self._charge_title
        )

    # -- reads ---------------------------------------------------------------------------

    async def conversations_page(
        self, user_id: uuid.UUID, first: int, after: Position | None
    ) -> Page[ConversationSummary]:
        async with self._db() as db:
            page = await repository.conversations_page(db, user_id, first, after)
            if page.total is None:  # an empty page past the end still owes the total
                total = 0 if after is None else await repository.count_conversations(db, user_id)
                page = Page(page.items, page.has_more, total)
        return page

    async def conversations_by_id(self, ids: Sequence[uuid.UUID]) -> list[Conversation | None]:
        """In the order asked, unchecked: pass each through `check_owner` before use."""
        async with self._db() as db:
            found = await repository.conversations_by_id(db, ids)
        return [found.get(i) for i in ids]

    async def message_counts(self, ids: Sequence[uuid.UUID]) -> list[int]:
        async with self._db() as db:
            counts = await repository.message_counts(db, ids)
        return [counts.get(i, 0) for i in ids]

    async def last_messages(self, ids: Sequence[uuid.UUID]) -> list[Message | None]:
        async with self._db() as db:
            found = await repository.last_messages(db, ids)
        return [found.get(i) for i in ids]

    async def sibling_ids(self, ids: Sequence[uuid.UUID]) -> list[list[uuid.UUID]]:
        async with self._db() as db:
            found = await repository.sibling_ids(db, ids)
        return [found.get(i, [i]) for i in ids]

    async def own_message(
        self, user_id: uuid.UUID, message_id: uuid.UUID
    ) -> tuple[Message, Conversation]:
        """The caller's message and its conversation; NOT_FOUND when missing or someone
        else's (a stranger learns nothing about the id)."""
        async with self._db() as db:
            found = await repository.message_and_conversation(db, message_id)
        if found is None or found[1].user_id != user_id:
            raise NotFound("Message not found.")
        return found

    async def message(self, message_id: uuid.UUID) -> Message | None:
        """A message by id, unchecked (for the server's own jobs, never a caller's id)."""
        async with self._db() as db:
            found = await repository.message_and_conversation(db, message_id)
        return found[0] if found else None

    async def streaming_replies(self, older_than: dt.datetime, limit: int) -> list[uuid.UUID]:
        async with self._db() as db:
            return await repository.streaming_replies(db, older_than, limit)

    async def messages_pages(
        self, ids: Sequence[uuid.UUID], last: int, before: Position | None
    ) -> list[Page[BranchMessage]]:
        """A page of the current branch of each conversation (already checked to be the
        caller's), in one statement."""
        async with self._db() as db:
            found = await repository.messages_pages(db, ids, last, before)
        return [found.get(i) or Page(items=[], has_more=False) for i in ids]

    # -- writes --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _write(self, user_id: uuid.UUID) -> AsyncIterator[_Unit]:
        async with self._db() as db:
            unit = _Unit(db)
            yield unit
            await db.commit()
        await self._changes.committed(user_id, unit.changes)

    async def create(self, user_id: uuid.UUID, changes: ConversationChanges) -> Conversation:
        provider = changes.ai_provider or self._providers.default_provider()
        self._check_configured(provider)
        model = (
            self._offered_model(provider, changes.ai_model)
            if changes.ai_model is not None
            else self._providers.default_model(provider)
        )
        conversation = Conversation(
            id=uuid.uuid4(),
            user_id=user_id,
            title=clean_title(changes.title, self._settings.title_max_chars)
            if changes.title is not None and changes.title.strip()
            else None,
            ai_provider=provider,
            ai_model=model,
            system_prompt=clean_system_prompt(
                changes.system_prompt, self._settings.system_prompt_max_chars
            ),
        )
        async with self._write(user_id) as unit:
            unit.db.add(conversation)
            unit.changed(conversation.id)
        return conversation

    async def update(
        self, user_id: uuid.UUID, conversation_id: uuid.UUID, changes: ConversationChanges
    ) -> Conversation:
        async with self._write(user_id) as unit:
            conversation = check_owner(
                await repository.conversation(unit.db, conversation_id), user_id
            )
            if changes.title is not None:
                conversation.title = clean_title(changes.title, self._settings.title_max_chars)
            if changes.ai_provider is not None:
                self._check_configured(changes.ai_provider)
                if changes.ai_provider != conversation.ai_provider and changes.ai_model is None:
                    conversation.ai_model = self._providers.default_model(changes.ai_provider)
                conversation.ai_provider = changes.ai_provider
            if changes.ai_model is not None:
                conversation.ai_model = self._offered_model(
                    conversation.ai_provider, changes.ai_model
                )
            if changes.system_prompt is not None:
                # An empty string clears the prompt (the server default applies again).
                conversation.system_prompt = clean_system_prompt(
                    changes.system_prompt, self._settings.system_prompt_max_chars
                )
            await unit.db.flush()
            await unit.db.refresh(conversation)
            unit.changed(conversation.id)
        return conversation

    async def delete(self, user_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        async with self._write(user_id) as unit:
            conversation = check_owner(
                await repository.conversation(unit.db, conversation_id), user_id
            )
            await unit.db.delete(conversation)
            unit.deleted(conversation_id)

    async def prepare_reply(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        content: str,
        reply_id: uuid.UUID | None = None,
        parent_id: uuid.UUID | None = None,
    ) -> PreparedReply:
        """Check everything, then store the user message and a STREAMING reply in one commit,
        and show their branch. The message follows `parent_id` (an assistant message of this
        conversation, or the conversation's own id for a new first message: an edit), by
        default the current branch's last message. `reply_id` is the reply's id when the
        caller chose it first (to hold its lease)."""
        text = clean_content(content, self._settings.message_max_chars)
        reservation: Reservation | None = None
        try:
            async with self._write(user_id) as unit:
                db = unit.db
                conversation = check_owner(
                    await repository.conversation(db, conversation_id), user_id
                )
                client = self._client(conversation.ai_provider)
                # The operator may have withdrawn the model since the conversation chose it.
                self._offered_model(conversation.ai_provider, conversation.ai_model)
                await self._check_idle(db, conversation.id)
                parent = await self._parent(db, conversation, parent_id)
                earlier = (
                    await repository.history(db, parent.id, self._settings.history_max_messages - 1)
                    if parent is not None
                    else []
                )
                now = dt.datetime.now(dt.UTC)
                user_message = Message(
                    id=uuid.uuid4(),
                    conversation_id=conversation.id,
                    parent_id=parent.id if parent is not None else None,
                    depth=parent.depth + 1 if parent is not None else 1,
                    role=MessageRole.USER,
                    content=text,
                    status=MessageStatus.COMPLETE,
                    created_at=now,
                )
                # Before anything is stored: a refused reply leaves no trace.
                reservation = await self._reserve(user_id, conversation, [*earlier, user_message])
                # One microsecond later, so the pair sorts in the order it was written.
                reply = self._new_reply(
                    conversation, user_message, reply_id, now + dt.timedelta(microseconds=1)
                )
                db.add_all([user_message, reply])
                named = None
                if conversation.title is None:
                    conversation.title = named = title_from_message(text)
                await self._show(unit, conversation, reply, now)
        except BaseException:
            await self._release(reservation)
            raise
        prepared = self._prepared(
            conversation, user_message, reply, client, [*earlier, user_message], named
        )
        return replace(prepared, reservation=reservation)

    async def prepare_regeneration(
        self, user_id: uuid.UUID, message_id: uuid.UUID, reply_id: uuid.UUID | None = None
    ) -> PreparedReply:
        """A new version of an assistant message: a STREAMING sibling (same user message
        before it), stored and shown. The provider sees the branch up to that user message."""
        reservation: Reservation | None = None
        try:
            async with self._write(user_id) as unit:
                db = unit.db
                replaced, conversation = await self._own_in(db, user_id, message_id)
                if replaced.role is not MessageRole.ASSISTANT or replaced.parent_id is None:
                    raise InvalidInput("Only a reply can be regenerated.", field="message_id")
                client = self._client(conversation.ai_provider)
                self._offered_model(conversation.ai_provider, conversation.ai_model)
                await self._check_idle(db, conversation.id)
                question = await repository.message(db, replaced.parent_id)
                if question is None:  # the parent's row is locked by the FK: cannot happen
                    raise NotFound("Message not found.")
                context = await repository.history(
                    db, question.id, self._settings.history_max_messages
                )
                reservation = await self._reserve(user_id, conversation, context)
                now = dt.datetime.now(dt.UTC)
                reply = self._new_reply(conversation, question, reply_id, now)
                db.add(reply)
                await self._show(unit, conversation, reply, now)
        except BaseException:
            await self._release(reservation)
            raise
        prepared = self._prepared(conversation, question, reply, client, context, None)
        return replace(prepared, reservation=reservation)

    async def _reserve(
        self, user_id: uuid.UUID, conversation: Conversation, branch: list[Message]
    ) -> Reservation | None:
        """Hold the reply's maximum against the user's budget (QuotaExceeded when spent):
        the estimated prompt the provider will be sent, plus the output cap."""
        if self._budget is None:
            return None
        system = conversation.system_prompt or self._settings.default_system_prompt
        messages = [ChatMessage(role=_ROLES[m.role], content=m.content) for m in branch]
        sent = context_window.fit(
            messages, system, self._settings.context_budget(conversation.ai_model)
        )
        # By the rule a stopped reply is charged with, so the hold covers that charge.
        return await self._budget.reserve_reply(user_id, estimate_prompt(system, sent))

    async def _release(self, reservation: Reservation | None) -> None:
        if self._budget is not None and reservation is not None:
            await self._budget.settle_reply(reservation, 0)

    def _new_reply(
        self,
        conversation: Conversation,
        question: Message,
        reply_id: uuid.UUID | None,
        created_at: dt.datetime,
    ) -> Message:
        return Message(
            id=reply_id or uuid.uuid4(),
            conversation_id=conversation.id,
            parent_id=question.id,
            depth=question.depth + 1,
            role=MessageRole.ASSISTANT,
            content="",
            status=MessageStatus.STREAMING,
            provider=conversation.ai_provider,
            model=conversation.ai_model,
            attempts=0,
            created_at=created_at,
        )

    async def _show(
        self, unit: _Unit, conversation: Conversation, reply: Message, now: dt.datetime
    ) -> None:
        """Make a new reply current. The rows go in first: the conversation points at them,
        and the unit of work does not order tables that point at each other."""
        conversation_id = conversation.id  # unreadable once a flush has failed
        try:
            await unit.db.flush()
        except IntegrityError as exc:
            # Another reply started in this conversation after `_check_idle` (another
            # process, another tab): the database's one-running-reply index refused this one.
            if RUNNING_REPLY_INDEX not in str(exc.orig):
                raise
            async with self._db() as db:
                running = await repository.running_reply(db, conversation_id)
            raise ReplyAlreadyRunning(str(running) if running else None) from None
        conversation.current_message_id = reply.id
        # Set here rather than by the database, so the caller sees the values without a
        # refresh (ReplyStarted carries the conversation).
        conversation.updated_at = now
        unit.changed(conversation.id)
        unit.reply_running(conversation.id, reply.id)

    def _prepared(
        self,
        conversation: Conversation,
        question: Message,
        reply: Message,
        client: ProviderClient,
        branch: list[Message],
        named: str | None,
    ) -> PreparedReply:
        system = conversation.system_prompt or self._settings.default_system_prompt
        messages = [ChatMessage(role=_ROLES[m.role], content=m.content) for m in branch]
        return PreparedReply(
            conversation=conversation,
            user_message=question,
            assistant_message=reply,
            client=client,
            system=system,
            context=context_window.fit(
                messages, system, self._settings.context_budget(conversation.ai_model)
            ),
            named_as=named,
        )

    async def _parent(
        self, db: AsyncSession, conversation: Conversation, parent_id: uuid.UUID | None
    ) -> Message | None:
        """What a new user message follows: None for a first message."""
        if parent_id is None:
            if conversation.current_message_id is None:
                return None
            return await repository.message(db, conversation.current_message_id)
        if parent_id == conversation.id:
            return None
        parent, holder = await self._own_in(db, conversation.user_id, parent_id)
        if holder.id != conversation.id:
            raise InvalidInput(
                "parentId must be a message of this conversation.", field="parent_id"
            )
        if parent.role is not MessageRole.ASSISTANT:
            raise InvalidInput(
                "A message follows a reply: parentId must be an assistant message, or the "
                "conversation's id for a new first message.",
                field="parent_id",
            )
        return parent

    @staticmethod
    async def _check_idle(db: AsyncSession, conversation_id: uuid.UUID) -> None:
        """CONFLICT while a reply runs in the conversation (the common case, answered before
        anything is written; the index settles races)."""
        running = await repository.running_reply(db, conversation_id)
        if running is not None:
            raise ReplyAlreadyRunning(str(running))

    @staticmethod
    async def _own_in(
        db: AsyncSession, user_id: uuid.UUID, message_id: uuid.UUID
    ) -> tuple[Message, Conversation]:
        found = await repository.message_and_conversation(db, message_id)
        if found is None or found[1].user_id != user_id:
            raise NotFound("Message not found.")
        return found

    async def select_branch(self, user_id: uuid.UUID, message_id: uuid.UUID) -> Conversation:
        """Show the branch through a message, down to the newest message beneath it."""
        async with self._write(user_id) as unit:
            _, conversation = await self._own_in(unit.db, user_id, message_id)
            shown = await repository.show_newest_beneath(unit.db, conversation.id, message_id)
            if shown is None:  # deleted between the two statements
                raise NotFound("Message not found.")
            unit.changed(conversation.id)
        return shown

    async def fork(self, user_id: uuid.UUID, message_id: uuid.UUID) -> Conversation:
        """A new conversation holding a copy of the branch from the first message down to
        `message_id`, with the same provider, model and system prompt."""
        async with self._write(user_id) as unit:
            db = unit.db
            _, source = await self._own_in(db, user_id, message_id)
            branch = await repository.branch_to(db, message_id)
            copy = Conversation(
                id=uuid.uuid4(),
                user_id=user_id,
                title=branch_title(source.title, self._settings.title_max_chars),
                ai_provider=source.ai_provider,
                ai_model=source.ai_model,
                system_prompt=source.system_prompt,
            )
            db.add(copy)
            await db.flush()
            copies = copy_branch(branch, copy.id)
            db.add_all(copies)
            await db.flush()
            copy.current_message_id = copies[-1].id
            await db.flush()
            await db.refresh(copy)
            unit.changed(copy.id)
        return copy

    async def export(self, user_id: uuid.UUID, conversation_id: uuid.UUID, format: str) -> str:
        """MARKDOWN: the current branch as a document; JSON: the whole tree."""
        async with self._db() as db:
            conversation = await repository.conversation(db, conversation_id)
            if conversation is None or conversation.user_id != user_id:
                raise NotFound("Conversation not found.")
            if format == "JSON":
                return export.as_json(
                    conversation, await repository.all_messages(db, conversation.id)
                )
            current = conversation.current_message_id
            branch = await repository.branch_to(db, current) if current is not None else []
            return export.as_markdown(conversation, branch)

    async def finish_reply(
        self,
        prepared: PreparedReply,
        *,
        text: str,
        status: MessageStatus,
        facts: CallFacts,
        final_seq: int,
        error: str | None = None,
        error_status: int | None = None,
        retrying: AsyncRetrying | None = None,
    ) -> Message | None:
        """The reply's one closing write: text, status, generation facts and the seq of its
        final event, attempted as `retrying` says (once by default). Only a reply still
        STREAMING is finished: otherwise the stored row wins and is returned as it is. None
        when the conversation was deleted while the reply ran."""
        message = prepared.assistant_message
        stored: Message | None = None
        facts = self._charged(prepared, facts, text, error_status)
        try:
            once = AsyncRetrying(stop=stop_after_attempt(1), reraise=True)
            async for attempt in retrying or once:
                with attempt:
                    async with self._write(prepared.conversation.user_id) as unit:
                        stored = await repository.finish_message(
                            unit.db,
                            message.id,
                            content=text,
                            status=status,
                            facts=facts,
                            error=error,
                            error_status=error_status,
                            final_seq=final_seq,
                        )
                        if stored is None:
                            # Finished already (a reaper, or an attempt whose commit did land).
                            stored = await repository.message(unit.db, message.id)
                        else:
                            unit.changed(message.conversation_id)
        finally:
            # What the reply cost, as stored (unknown usage is stored and counted as none).
            await self._settle(prepared.reservation, facts)
        record_reply(facts, status.value, self._providers.info(facts.provider).models)
        log.info(
            "reply stored",
            conversation_id=str(message.conversation_id),
            message_id=str(message.id),
            status=status.value,
        )
        return stored

    def _charged(
        self, prepared: PreparedReply, facts: CallFacts, text: str, error_status: int | None
    ) -> CallFacts:
        """The facts with what the reply is charged: the provider's usage, or for a reply it
        never counted (stopped, failed mid-stream) the prompt sent and the text so far,
        estimated. A provider that answered an error status before any text bills nothing."""
        return charged(
            facts,
            system=prepared.system,
            messages=prepared.context,
            streamed=text,
            max_output_tokens=self._settings.ai_max_output_tokens,
            refused=error_status is not None,
        )

    def suggest_title(self, prepared: PreparedReply, reply: Message) -> None:
        """After a conversation's first reply: ask for a model's title in the background."""
        if prepared.named_as is None or reply.status is not MessageStatus.COMPLETE:
            return
        conversation = prepared.conversation
        self.titles.name_later(
            conversation.user_id,
            conversation.id,
            conversation.ai_provider,
            conversation.ai_model,
            prepared.named_as,
            prepared.user_message.content,
            reply.content,
        )

    async def _rename_by_model(
        self, conversation_id: uuid.UUID, heuristic: str, title: str
    ) -> bool:
        async with self._db() as db:
            owner = await repository.rename_if_titled(db, conversation_id, heuristic, title)
            await db.commit()
        if owner is None:
            return False
        await self._changes.committed(owner, [Change(ChangeKind.CHANGED, conversation_id)])
        return True

    async def _hold_title(self, user_id: uuid.UUID, prompt_tokens: int) -> Reservation | None:
        if self._budget is None:
            return None
        return await self._budget.reserve_reply(user_id, prompt_tokens)

    async def _charge_title(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        facts: CallFacts,
        reservation: Reservation | None,
    ) -> None:
        """A title request's cost: stored beside the replies' (so `usage` shows it) and
        settled into the budget."""
        try:
            if facts.usage is not None:
                async with self._db() as db:
                    await repository.add_usage_charge(
                        db, user_id, conversation_id, ChargePurpose.TITLE, facts
                    )
                    await db.commit()
        finally:
            await self._settle(reservation, facts)

    async def _settle(self, reservation: Reservation | None, facts: CallFacts) -> None:
        """Turn a call's hold on the budget into what it used (unknown usage counts none)."""
        if self._budget is not None:
            used = facts.usage.total_tokens if facts.usage is not None else 0
            await self._budget.settle_reply(reservation, used)

    async def fail_abandoned(
        self, message_id: uuid.UUID, *, text: str, final_seq: int
    ) -> Message | None:
        """A reply whose process is gone: FAILED with the text it had. None when it was no
        longer STREAMING (its owner finished it after all) or its conversation is gone."""
        async with self._db() as db:
            stored = await repository.fail_abandoned(
                db, message_id, content=text, error=INTERRUPTED, final_seq=final_seq
            )
            conversation = (
                await repository.conversation(db, stored.conversation_id) if stored else None
            )
            await db.commit()
        if stored is None or conversation is None:
            return None
        await self._changes.committed(
            conversation.user_id, [Change(ChangeKind.CHANGED, conversation.id)]
        )
        log.warning("failed an abandoned reply", message_id=str(message_id))
        return stored

    # -- rules ---------------------------------------------------------------------------

    def _offered_model(self, provider: AIProvider, name: str) -> str:
        model = clean_model(name)
        if not self._providers.offers(provider, model):
            offered = ", ".join(self._providers.info(provider).models)
            raise InvalidInput(
                f"The model `{model}` is not offered for {provider.display_name}; "
                f"choose one of: {offered}.",
                field="ai_model",
            )
        return model

    def _check_configured(self, provider: AIProvider) -> None:
        if not self._providers.is_configured(provider):
            raise InvalidInput(
                f"The {provider.value} provider is not configured on this server.",
                field="ai_provider",
            )

    def _client(self, provider: AIProvider) -> ProviderClient:
        self._check_configured(provider)
        return self._providers.client(provider)
