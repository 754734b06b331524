"""OpenAI Chat Completions, also used for Gemini, Grok and Ollama through their
OpenAI-compatible endpoints."""

from __future__ import annotations

import ssl
from collections.abc import AsyncGenerator, Sequence
from typing import Literal

import httpx2
import openai
from openai import AsyncOpenAI, omit
from openai.types.chat import ChatCompletionMessageParam

from parley.ai.errors import SdkErrors, from_sdk_error
from parley.ai.providers import AIProvider
from parley.ai.types import ChatMessage, Delta, Finished, StreamEvent, Usage

# OpenAI's newer models only take `max_completion_tokens`; the compatible endpoints of the
# other providers reliably understand only the older `max_tokens`.
TokenLimitParam = Literal["max_completion_tokens", "max_tokens"]


def openai_client(
    *, api_key: str, base_url: str, timeout: httpx2.Timeout, ssl_context: ssl.SSLContext
) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=api_key,
        base_url=base_url,
        timeout=timeout,
        # Retries happen in our policy, so each attempt is counted once.
        max_retries=0,
        http_client=openai.DefaultAsyncHttpxClient(verify=ssl_context, timeout=timeout),
    )


def openai_messages(
    system: str | None, messages: Sequence[ChatMessage]
) -> list[ChatCompletionMessageParam]:
    params: list[ChatCompletionMessageParam] = []
    if system and system.strip():
        params.append({"role": "system", "content": system})
    for message in messages:
        match message.role:
            case "system":
                params.append({"role": "system", "content": message.content})
            case "user":
                params.append({"role": "user", "content": message.content})
            case "assistant":
                params.append({"role": "assistant", "content": message.content})
    return params


_ERRORS = SdkErrors(openai.APIStatusError, openai.APITimeoutError, openai.APIConnectionError)


class OpenAICompatibleBackend:
    def __init__(
        self,
        provider: AIProvider,
        client: AsyncOpenAI,
        *,
        max_output_tokens: int,
        token_limit_param: TokenLimitParam,
    ) -> None:
        self.provider = provider
        self._client = client
        self._max_output_tokens = max_output_tokens
        self._token_limit_param = token_limit_param

    def _limits(self) -> dict[TokenLimitParam, int]:
        return {self._token_limit_param: self._max_output_tokens}

    async def stream_once(
        self, *, model: str, system: str | None, messages: Sequence[ChatMessage]
    ) -> AsyncGenerator[StreamEvent, None]:
        limits = self._limits()
        usage: Usage | None = None
        finish_reason: str | None = None
        reported_model = model
        try:
            stream = await self._client.chat.completions.create(
                model=model,
                messages=openai_messages(system, messages),
                max_completion_tokens=limits.get("max_completion_tokens", omit),
                max_tokens=limits.get("max_tokens", omit),
                stream=True,
                stream_options={"include_usage": True},
            )
            # `async with` closes the HTTP response however we leave: end, error or cancel.
            async with stream:
                async for chunk in stream:
                    reported_model = chunk.model or reported_model
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        if choice.index != 0:
                            continue
                        if choice.finish_reason is not None:
                            finish_reason = choice.finish_reason
                        if choice.delta.content:
                            yield Delta(choice.delta.content)
        except (openai.OpenAIError, httpx2.HTTPError) as exc:
            raise from_sdk_error(self.provider, exc, _ERRORS) from exc
        yield Finished(usage=usage, finish_reason=finish_reason, model=reported_model)

    async def aclose(self) -> None:
        await self._client.close()
