"""The benchmark's clients: one streaming request straight to the fake provider, one
`generateReply` subscription over graphql-transport-ws, and the GraphQL setup calls.

Both streaming clients do as little as they can per delta (no JSON parsing of deltas), so the
client's own CPU time, taken from the same two cores, disturbs the measurement as little as
possible and equally on both paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

from bench.procs import ORIGIN

GENERATE = (
    "subscription Generate($id: ID!, $c: String!) { generateReply(conversationId: $id, "
    "content: $c) { __typename ... on ReplyDelta { text } "
    "... on ReplyCompleted { message { content status } } "
    "... on ReplyFailed { code error } } }"
)
REGISTER = "mutation Register($input: RegisterInput!) { register(input: $input) { accessToken } }"
CREATE_CONVERSATION = (
    "mutation Create($input: CreateConversationInput!) { createConversation(input: $input) { id } }"
)
# The server's default system prompt: the direct requests send what the API sends.
SYSTEM_PROMPT = "You are a helpful assistant. Answer in Markdown."
MODEL = "gpt-6.1-sol"
STREAM_TIMEOUT = 60.0

_OPENAI_DELTA = b'"delta":{"content"'
_GRAPHQL_DELTA = '"ReplyDelta"'


@dataclass
class StreamSample:
    """One stream, timed by the client with `time.perf_counter()` (seconds)."""

    sent_at: float
    # When each delta arrived (deltas read together share a time).
    times: list[float] = field(default_factory=list)
    # API path only: when ReplyStarted arrived (the reply is prepared and stored).
    started_at: float | None = None
    error: str | None = None

    def arrived(self, now: float, count: int = 1) -> None:
        self.times.extend([now] * count)

    @property
    def deltas(self) -> int:
        return len(self.times)

    @property
    def first_delta_at(self) -> float | None:
        return self.times[0] if self.times else None

    @property
    def last_delta_at(self) -> float | None:
        return self.times[-1] if self.times else None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times)

    @property
    def ttft(self) -> float | None:
        return self.times[0] - self.sent_at if self.times else None

    @property
    def rate(self) -> float | None:
        """Deltas per second from the first delta to the last."""
        if len(self.times) < 2 or self.times[-1] <= self.times[0]:
            return None
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])

    @property
    def duration(self) -> float | None:
        return self.times[-1] - self.sent_at if self.times else None


def direct_request_body(prompt: str, max_tokens: int = 4096) -> bytes:
    """The Chat Completions request the API makes for a one-message conversation."""
    return json.dumps(
        {
            "model": MODEL,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": prompt},
            ],
            "max_completion_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    ).encode()


class ProviderConnection:
    """One kept-alive HTTP/1.1 connection to the fake provider, for streaming requests.

    Deliberately minimal (a request in one write, the chunked response scanned for delta
    events): a general-purpose client such as httpx spends so much CPU per chunk with
    hundreds of concurrent streams that it, not the provider, sets the pace.
    """

    _END = b"\r\n0\r\n\r\n"  # the last chunk of a chunked body
    _KEEP = max(len(_OPENAI_DELTA), len(_END)) - 1

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, port: int) -> ProviderConnection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()

    async def stream(self, go: asyncio.Event, *, request: bytes, expected: int) -> StreamSample:
        await go.wait()
        sample = StreamSample(sent_at=time.perf_counter())
        try:
            async with asyncio.timeout(STREAM_TIMEOUT):
                self._writer.write(request)
                head = await self._reader.readuntil(b"\r\n\r\n")
                status = head.split(b" ", 2)[1]
                if status != b"200" or b"chunked" not in head.lower():
                    sample.error = f"HTTP {status.decode()}"
                    return sample
                pending = b""
                while True:
                    data = await self._reader.read(65536)
                    now = time.perf_counter()
                    if not data:
                        sample.error = "connection closed mid-stream"
                        break
                    pending += data
                    found = pending.count(_OPENAI_DELTA)
                    if found:
                        sample.arrived(now, found)
                    if self._END in pending:
                        break
                    pending = pending[-self._KEEP :]
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            sample.error = f"{type(exc).__name__}: {exc}"
        if sample.error is None and sample.deltas != expected:
            sample.error = f"{sample.deltas} deltas, expected {expected}"
        return sample


def direct_request(port: int, prompt: str) -> bytes:
    """The whole HTTP request, ready to be written in one go."""
    body = direct_request_body(prompt)
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Authorization: Bearer bench\r\nContent-Type: application/json\r\n"
        f"Accept: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def open_socket(ws_url: str, token: str, *, compression: bool) -> ClientConnection:
    """A graphql-transport-ws connection, initialised and acknowledged."""
    conn = await connect(
        ws_url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        origin=Origin(ORIGIN),
        compression="deflate" if compression else None,
        open_timeout=30,
        max_queue=None,
    )
    try:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await conn.send(json.dumps(init))
        async with asyncio.timeout(30):
            ack = json.loads(await conn.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
    except BaseException:
        await conn.close()
        raise
    return conn


def subscribe_message(op_id: str, conversation_id: str, prompt: str) -> str:
    return json.dumps(
        {
            "id": op_id,
            "type": "subscribe",
            "payload": {"query": GENERATE, "variables": {"id": conversation_id, "c": prompt}},
        }
    )


async def api_stream(
    go: asyncio.Event,
    *,
    conn: ClientConnection,
    op_id: str,
    conversation_id: str,
    prompt: str,
    expected_text: str,
    expected: int,
) -> StreamSample:
    """Subscribe to generateReply and read until `complete`; time each ReplyDelta."""
    message = subscribe_message(op_id, conversation_id, prompt)
    await go.wait()
    sample = StreamSample(sent_at=time.perf_counter())
    try:
        async with asyncio.timeout(STREAM_TIMEOUT):
            await conn.send(message)
            while True:
                raw = await conn.recv(decode=True)
                now = time.perf_counter()
                if _GRAPHQL_DELTA in raw:
                    sample.arrived(now)
                    continue
                if _handle_other(sample, json.loads(raw), now, expected_text):
                    break
    except Exception as exc:
        sample.error = f"{type(exc).__name__}: {exc}"
    if sample.error is None and sample.deltas != expected:
        sample.error = f"{sample.deltas} deltas, expected {expected}"
    return sample


def _handle_other(
    sample: StreamSample, message: dict[str, Any], now: float, expected_text: str
) -> bool:
    """Anything but a delta; True when the operation is over."""
    kind = message.get("type")
    if kind == "complete":
        if sample.error is None and sample.started_at is None:
            sample.error = "completed without ReplyStarted"
        return True
    if kind == "error":
        sample.error = f"error: {message.get('payload')}"
        return True
    if kind != "next":
        return False
    payload = message.get("payload") or {}
    if payload.get("errors"):
        sample.error = f"errors: {payload['errors']}"
        return False
    event = (payload.get("data") or {}).get("generateReply") or {}
    typename = event.get("__typename")
    if typename == "ReplyStarted":
        sample.started_at = now
    elif typename == "ReplyCompleted":
        stored = event.get("message") or {}
        if stored.get("content") != expected_text or stored.get("status") != "COMPLETE":
            sample.error = f"unexpected stored reply: {stored.get('status')}"
    elif typename == "ReplyFailed":
        sample.error = f"ReplyFailed {event.get('code')}: {event.get('error')}"
    return False


class GraphQLHttp:
    """Setup calls over HTTP: accounts and conversations."""

    def __init__(self, api_port: int) -> None:
        self.http = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{api_port}",
            timeout=30,
            headers={"origin": ORIGIN},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(
        self, query: str, variables: dict[str, Any], token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL call failed ({response.status_code}): {body}")
        data: dict[str, Any] = body["data"]
        return data

    async def users(self, count: int, parallel: int = 8) -> list[str]:
        """Access tokens of `count` new accounts (streams are spread over them, as real
        traffic is: per-user rate limits and cache keys are then not all one key)."""
        gate = asyncio.Semaphore(parallel)
        run = uuid.uuid4().hex[:8]

        async def one(index: int) -> str:
            async with gate:
                data = await self.call(
                    REGISTER,
                    {
                        "input": {
                            "email": f"bench-{run}-{index}@bench.example.com",
                            "password": "bench password 1",
                            "fullName": "Bench",
                        }
                    },
                )
                return str(data["register"]["accessToken"])

        return list(await asyncio.gather(*(one(i) for i in range(count))))

    async def conversations(self, tokens: Sequence[str], parallel: int = 16) -> list[str]:
        """One new OPENAI conversation for each token (owned by that token's user)."""
        gate = asyncio.Semaphore(parallel)

        async def one(token: str) -> str:
            async with gate:
                data = await self.call(
                    CREATE_CONVERSATION, {"input": {"aiProvider": "OPENAI"}}, token
                )
                return str(data["createConversation"]["id"])

        return list(await asyncio.gather(*(one(t) for t in tokens)))
