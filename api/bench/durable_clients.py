"""The durable-replies benchmark's clients: `generateReply` and `replyEvents` over
graphql-transport-ws, each delta timed on arrival with its `seq`.

One operation runs on a socket at a time (the benchmark gives every reply its own socket), so a
reader only has to skip what is left of an operation it already completed. Deltas are recognised
and their seq read with a string search and a small regex, not a JSON parse: the client shares
the two cores with the servers, and at tens of thousands of deltas per second its own CPU is
what would otherwise set the pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection

from bench.clients import open_socket

_EVENT = (
    "__typename ... on ReplyStarted { seq assistantMessageId } "
    "... on ReplyDelta { seq text } ... on ReplyCompleted { seq message { status } } "
    "... on ReplyFailed { seq code error }"
)
GENERATE = (
    "subscription Generate($id: ID!, $c: String!, $r: String) { generateReply("
    f"conversationId: $id, content: $c, clientRequestId: $r) {{ {_EVENT} }} }}"
)
FOLLOW = (
    "subscription Follow($m: ID!, $a: Int) { replyEvents(messageId: $m, after: $a) "
    f"{{ {_EVENT} }} }}"
)
STOP = "mutation Stop($m: ID!) { stopReply(messageId: $m) { status } }"
PROMPT = "Please count the tokens slowly."
TIMEOUT = 120.0

_DELTA = '"ReplyDelta"'
_SEQ = re.compile(r'"seq":\s*(\d+)')
_ID = re.compile(r'"id":\s*"([^"]*)"')


@dataclass
class Trace:
    """One operation on one socket, timed with `time.perf_counter()` (seconds)."""

    sent_at: float = 0.0
    started_at: float | None = None
    message_id: str | None = None
    # Each delta's seq and arrival time, in arrival order.
    seqs: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    final: str | None = None  # ReplyCompleted's stored status, or FAILED
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.final == "COMPLETE" and bool(self.times)

    @property
    def ttft(self) -> float | None:
        return self.times[0] - self.sent_at if self.times else None

    def by_seq(self) -> dict[int, float]:
        return dict(zip(self.seqs, self.times, strict=True))


def _subscribe(op_id: str, query: str, variables: dict[str, Any]) -> str:
    payload = {"query": query, "variables": variables}
    return json.dumps({"id": op_id, "type": "subscribe", "payload": payload})


def generate_message(op_id: str, conversation_id: str) -> str:
    # A clientRequestId, as the web app sends: it costs the start a Redis claim.
    variables = {"id": conversation_id, "c": PROMPT, "r": uuid.uuid4().hex}
    return _subscribe(op_id, GENERATE, variables)


def follow_message(op_id: str, message_id: str, after: int | None) -> str:
    return _subscribe(op_id, FOLLOW, {"m": message_id, "a": after})


def _op_of(raw: str) -> str | None:
    # Strawberry writes the operation id first, so the first "id" key is the operation's.
    found = _ID.search(raw)
    return found.group(1) if found else None


def _other(trace: Trace, message: dict[str, Any], now: float) -> bool:
    """Anything but a delta; True when the operation is over."""
    kind = message.get("type")
    if kind == "complete":
        if trace.final is None and trace.error is None:
            trace.error = "completed without a final event"
        return True
    if kind == "error":
        trace.error = f"error: {message.get('payload')}"
        return True
    if kind != "next":
        return False
    payload = message.get("payload") or {}
    if payload.get("errors"):
        trace.error = f"errors: {payload['errors']}"
        return False
    data = payload.get("data") or {}
    event = data.get("generateReply") or data.get("replyEvents") or {}
    typename = event.get("__typename")
    if typename == "ReplyStarted":
        trace.started_at = now
        trace.message_id = event.get("assistantMessageId")
    elif typename == "ReplyCompleted":
        trace.final = (event.get("message") or {}).get("status")
    elif typename == "ReplyFailed":
        trace.final = "FAILED"
        trace.error = f"ReplyFailed {event.get('code')}: {event.get('error')}"
    return False


async def read_op(
    conn: ClientConnection,
    op_id: str,
    trace: Trace,
    started: asyncio.Future[str] | None = None,
    detach: bool = False,
) -> Trace:
    """Read one operation's messages until it ends (or, with `detach`, until ReplyStarted,
    then complete it: the reply runs on without this client). `started` gets the reply's id."""
    try:
        async with asyncio.timeout(TIMEOUT):
            while True:
                raw = await conn.recv(decode=True)
                now = time.perf_counter()
                if _op_of(raw) != op_id:
                    continue  # the tail of an operation this socket completed earlier
                if _DELTA in raw:
                    found = _SEQ.search(raw)
                    trace.seqs.append(int(found.group(1)) if found else -1)
                    trace.times.append(now)
                    continue
                had_id = trace.message_id
                over = _other(trace, json.loads(raw), now)
                if trace.message_id is not None and had_id is None:
                    if started is not None and not started.done():
                        started.set_result(trace.message_id)
                    if detach:
                        await conn.send(json.dumps({"id": op_id, "type": "complete"}))
                        return trace
                if over:
                    return trace
    except Exception as exc:
        trace.error = f"{type(exc).__name__}: {exc}"
    finally:
        if started is not None and not started.done():
            started.set_exception(RuntimeError(trace.error or "no ReplyStarted"))
    return trace


async def generate(
    conn: ClientConnection,
    op_id: str,
    conversation_id: str,
    started: asyncio.Future[str] | None = None,
    detach: bool = False,
) -> Trace:
    trace = Trace(sent_at=time.perf_counter())
    await conn.send(generate_message(op_id, conversation_id))
    return await read_op(conn, op_id, trace, started, detach)


async def follow(
    conn: ClientConnection, op_id: str, message_id: str, after: int | None = 0
) -> Trace:
    trace = Trace(sent_at=time.perf_counter())
    await conn.send(follow_message(op_id, message_id, after))
    return await read_op(conn, op_id, trace)


async def open_sockets(
    ws_url: str, tokens: Sequence[str], parallel: int = 50
) -> list[ClientConnection]:
    """One initialised socket per token (no permessage-deflate: the shipped server declines it)."""
    gate = asyncio.Semaphore(parallel)

    async def one(token: str) -> ClientConnection:
        async with gate:
            return await open_socket(ws_url, token, compression=False)

    results = await asyncio.gather(*(one(t) for t in tokens), return_exceptions=True)
    sockets = [r for r in results if isinstance(r, ClientConnection)]
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await close_sockets(sockets)
        raise RuntimeError(f"{len(failures)} of {len(tokens)} sockets failed: {failures[0]!r}")
    return sockets


async def close_sockets(sockets: Sequence[ClientConnection], parallel: int = 100) -> None:
    gate = asyncio.Semaphore(parallel)

    async def one(conn: ClientConnection) -> None:
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 10)

    await asyncio.gather(*(one(c) for c in sockets))
