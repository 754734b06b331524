"""Anthropic's Messages API."""

from __future__ import annotations

import ssl
from collections.abc import AsyncGenerator, Sequence

import anthropic
import httpx2
from anthropic import AsyncAnthropic, omit
from anthropic.types import MessageParam

from parley.ai.errors import ProviderError, SdkErrors, from_sdk_error
from parley.ai.providers import AIProvider
from parley.ai.types import ChatMessage, Delta, Finished, Role, StreamEvent, Usage

# Error types Anthropic may send inside a 200 stream that are worth another attempt.
_TRANSIENT_STREAM_ERRORS = frozenset(
    {"overloaded_error", "api_error", "rate_limit_error", "timeout_error"}
)


def anthropic_client(
    *, api_key: str, base_url: str, timeout: httpx2.Timeout, ssl_context: ssl.SSLContext
) -> AsyncAnthropic:
    return AsyncAnthropic(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        # Retries happen in our policy, so each attempt is counted once.
        max_retries=0,
        http_client=anthropic.DefaultAsyncHttpxClient(verify=ssl_context, timeout=timeout),
    )


def anthropic_messages(
    system: str | None, messages: Sequence[ChatMessage]
) -> tuple[str | None, list[MessageParam]]:
    """The `system` parameter and a message list Anthropic accepts.

    Anthropic takes the system prompt as a parameter, wants the conversation to start with
    a user turn and rejects empty text blocks; consecutive turns of one role are merged.
    """
    system_parts = [system] if system and system.strip() else []
    turns: list[tuple[Role, list[str]]] = []
    for message in messages:
        if not message.content.strip():
            continue
        if message.role == "system":
            system_parts.append(message.content)
        elif not turns and message.role == "assistant":
            continue
        elif turns and turns[-1][0] == message.role:
            turns[-1][1].append(message.content)
        else:
            turns.append((message.role, [message.content]))
    params: list[MessageParam] = []
    for role, parts in turns:
        content = "\n\n".join(parts)
        if role == "user":
            params.append({"role": "user", "content": content})
        else:
            params.append({"role": "assistant", "content": content})
    if not params:
        raise ValueError("Anthropic needs at least one non-empty user message")
    return ("\n\n".join(system_parts) or None), params


_ERRORS = SdkErrors(
    anthropic.APIStatusError, anthropic.APITimeoutError, anthropic.APIConnectionError
)


def _provider_error(provider: AIProvider, exc: Exception) -> ProviderError:
    if isinstance(exc, anthropic.APIStatusError) and exc.status_code < 400:
        # An `error` event inside a stream that had started with 200 OK.
        return ProviderError.reported(provider, retryable=exc.type in _TRANSIENT_STREAM_ERRORS)
    return from_sdk_error(provider, exc, _ERRORS)


class AnthropicBackend:
    provider = AIProvider.ANTHROPIC

    def __init__(self, client: AsyncAnthropic, *, max_output_tokens: int) -> None:
        self._client = client
        self._max_output_tokens = max_output_tokens

    async def stream_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        system_param, params = anthropic_messages(system, messages)
        input_tokens: int | None = None
        output_tokens: int | None = None
        finish_reason: str | None = None
        reported_model = model
        try:
            stream = await self._client.messages.create(
                model=model,
                max_tokens=self._max_output_tokens,
                system=system_param if system_param is not None else omit,
                messages=params,
                stream=True,
            )
            # `async with` closes the HTTP response however we leave: end, error or cancel.
            async with stream:
                async for event in stream:
                    match event.type:
                        case "message_start":
                            reported_model = event.message.model or reported_model
                            input_tokens = _input_tokens(event.message.usage)
                            output_tokens = event.message.usage.output_tokens
                        case "content_block_delta":
                            # Only text: thinking and tool-input deltas are not the reply.
                            if event.delta.type == "text_delta" and event.delta.text:
                                yield Delta(event.delta.text)
                        case "message_delta":
                            finish_reason = event.delta.stop_reason or finish_reason
                            # Counts in message_delta are cumulative, so they replace.
                            output_tokens = event.usage.output_tokens
                            if event.usage.input_tokens is not None:
                                input_tokens = _input_tokens(event.usage)
        except (anthropic.AnthropicError, httpx2.HTTPError) as exc:
            raise _provider_error(self.provider, exc) from exc
        usage = (
            Usage(input_tokens, output_tokens)
            if input_tokens is not None and output_tokens is not None
            else None
        )
        yield Finished(usage=usage, finish_reason=finish_reason, model=reported_model)

    async def aclose(self) -> None:
        await self._client.close()


def _input_tokens(usage: anthropic.types.Usage | anthropic.types.MessageDeltaUsage) -> int:
    # Cached prompt tokens are reported apart from `input_tokens`; the prompt is their sum.
    return (
        (usage.input_tokens or 0)
        + (usage.cache_creation_input_tokens or 0)
        + (usage.cache_read_input_tokens or 0)
    )
