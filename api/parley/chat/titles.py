"""Titles by the model: after a conversation's first reply, its provider (or TITLE_PROVIDER /
TITLE_MODEL) is asked for a short title, in a task of its own so the reply never waits.

The heuristic title (the first message, shortened) is stored when the first message is, so
every failure here (provider error, timeout, an unusable answer, a database hiccup) simply
leaves it. A title the user set in the meantime is never replaced: the rename only applies
while the title is still the heuristic one.

A title request is a provider call like a reply: it is held against the user's token budget
first (skipped when the budget is spent) and charged what it used, counted or estimated, so
it appears in `usage`.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable

import structlog

from parley.ai import AIProvider, CallFacts, ProviderError, ProviderRegistry
from parley.ai.titles import TITLE_INSTRUCTIONS, clean_title, title_request
from parley.ai.token_estimates import charged, estimate_prompt
from parley.errors import QuotaExceeded
from parley.insights.budgets import Reservation
from parley.settings import Settings

log = structlog.get_logger(__name__)

TITLE_TIMEOUT_SECONDS = 30.0

# (conversation id, the heuristic title it must still have, the model's title) -> renamed?
Rename = Callable[[uuid.UUID, str, str], Awaitable[bool]]
# (user id, estimated prompt tokens) -> the hold on the user's budget; QuotaExceeded when spent.
Hold = Callable[[uuid.UUID, int], Awaitable[Reservation | None]]
# (user id, conversation id, the call's charged facts, its hold): store the charge, settle.
Charge = Callable[[uuid.UUID, uuid.UUID, CallFacts, Reservation | None], Awaitable[None]]


class TitleNamer:
    def __init__(
        self,
        settings: Settings,
        providers: ProviderRegistry,
        rename: Rename,
        hold: Hold,
        charge: Charge,
    ) -> None:
        self._settings = settings
        self._providers = providers
        self._rename = rename
        self._hold = hold
        self._charge = charge
        # Held so running tasks are not garbage-collected; drained on shutdown.
        self._tasks: set[asyncio.Task[None]] = set()

    def name_later(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        provider: AIProvider,
        model: str,
        heuristic: str,
        question: str,
        reply: str,
    ) -> None:
        task = asyncio.create_task(
            self._name(user_id, conversation_id, provider, model, heuristic, question, reply),
            name=f"title-{conversation_id}",
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, grace_seconds: float) -> None:
        """Let running title requests finish for `grace_seconds`, then cancel the rest."""
        tasks = list(self._tasks)
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _who(self, provider: AIProvider, model: str) -> tuple[AIProvider, str]:
        chosen = self._settings.title_provider
        if chosen is not None and self._providers.is_configured(chosen):
            return chosen, self._settings.title_model or self._providers.default_model(chosen)
        return provider, self._settings.title_model or model

    async def _name(
        self,
        user_id: uuid.UUID,
        conversation_id: uuid.UUID,
        provider: AIProvider,
        model: str,
        heuristic: str,
        question: str,
        reply: str,
    ) -> None:
        try:
            provider, model = self._who(provider, model)
            client = self._providers.client(provider)
            messages = title_request(question, reply)
            try:
                reservation = await self._hold(
                    user_id, estimate_prompt(TITLE_INSTRUCTIONS, messages)
                )
            except QuotaExceeded:
                log.info(
                    "model title skipped: token budget spent", conversation_id=str(conversation_id)
                )
                return
            stream = client.stream(model=model, system=TITLE_INSTRUCTIONS, messages=messages)
            parts: list[str] = []
            refused = False
            try:
                async with asyncio.timeout(TITLE_TIMEOUT_SECONDS), contextlib.aclosing(stream):
                    async for delta in stream:
                        parts.append(delta.text)
            except ProviderError as error:
                refused = error.status is not None
                raise
            finally:
                facts = charged(
                    stream.facts(),
                    system=TITLE_INSTRUCTIONS,
                    messages=messages,
                    streamed="".join(parts),
                    max_output_tokens=self._settings.ai_max_output_tokens,
                    refused=refused,
                )
                # Shielded: a title cancelled by a shutdown was still paid for.
                await asyncio.shield(self._charge(user_id, conversation_id, facts, reservation))
            title = clean_title("".join(parts), self._settings.title_max_chars)
            if title is None or title == heuristic:
                log.info(
                    "model title unusable; heuristic kept", conversation_id=str(conversation_id)
                )
                return
            renamed = await self._rename(conversation_id, heuristic, title)
            log.info("model title", conversation_id=str(conversation_id), applied=renamed)
        except Exception as error:  # any failure: the heuristic title stays
            log.warning(
                "model title failed; heuristic kept",
                conversation_id=str(conversation_id),
                error_type=type(error).__name__,
            )
