"""A fake AI provider: a real HTTP server speaking OpenAI Chat Completions and Anthropic Messages.

It runs uvicorn on 127.0.0.1 in a thread of its own (so it works from sync and async tests,
whatever their event loop, and does not compete with the app under test for one loop).
Tests script what the next requests get, then assert on what was received:

    server = FakeProviderServer()
    await server.start()                  # or server.start_sync()
    server.script(ErrorReply(429, retry_after=0), Reply("Hi there", chunks=2))
    ...  # point an SDK at server.openai_base_url / server.anthropic_base_url
    assert len(server.requests) == 2 and server.requests[0].body["stream"] is True
    await server.stop()

Scripted behaviours are consumed in order, one per request (to either API); when none is
left, `server.default` answers. Run it standalone for benchmarks (from `api/`):

    uv run python -m tests.fakes.provider_server --port 8100 --chunks 40 --chunk-delay 0.02
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn

Api = Literal["openai", "anthropic"]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Sleeps up to this long are not interrupted by a disconnect (cheap); longer ones are.
_SHORT_SLEEP = 0.1


@dataclass(frozen=True)
class Reply:
    """A successful reply, streamed or not (as the request asks)."""

    text: str = "Hello from the fake provider!"
    # Number of deltas to split `text` into (by characters); None: one delta per word.
    chunks: int | None = None
    # Seconds before the status line is sent.
    first_byte_delay: float = 0.0
    # Seconds before each delta (streams only).
    chunk_delay: float = 0.0
    # Drop the TCP connection after this many deltas (streams only).
    fail_after: int | None = None
    # Stop sending, but keep the connection open, after this many deltas (streams only).
    stall_after: int | None = None
    # Send the API's in-stream error event after this many deltas, then end (streams only).
    error_event_after: int | None = None
    prompt_tokens: int = 12
    # None: the number of deltas.
    completion_tokens: int | None = None
    # None: "stop" (OpenAI) or "end_turn" (Anthropic).
    finish_reason: str | None = None
    # None: echo the requested model.
    model: str | None = None


@dataclass(frozen=True)
class ErrorReply:
    """An HTTP error in the API's error format."""

    status: int
    message: str = "Scripted failure from the fake provider"
    retry_after: float | None = None
    first_byte_delay: float = 0.0


@dataclass(frozen=True)
class Hang:
    """Never answer: hold the request until the client leaves or the server stops."""


Behaviour = Reply | ErrorReply | Hang


@dataclass
class RecordedRequest:
    api: Api
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    behaviour: Behaviour
    received_at: float = field(default_factory=time.monotonic)
    deltas_sent: int = 0
    # The whole response was sent.
    completed: bool = False
    # The client went away before the response was complete.
    disconnected: bool = False

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def model(self) -> str | None:
        model = self.body.get("model")
        return model if isinstance(model, str) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages = self.body.get("messages")
        return messages if isinstance(messages, list) else []


def split_text(text: str, chunks: int | None) -> list[str]:
    """Deltas that join back to `text`: one per word, or `chunks` pieces of similar length."""
    if chunks is None:
        return re.findall(r"\s*\S+\s*", text) or ([text] if text else [])
    n = max(1, min(chunks, len(text))) if text else 0
    bounds = [len(text) * i // n for i in range(n + 1)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class _Exchange:
    """One request/response, with a watcher that notices when the client goes away."""

    def __init__(
        self, record: RecordedRequest, receive: Receive, send: Send, server_closing: asyncio.Event
    ) -> None:
        self.record = record
        self._receive = receive
        self._send = send
        self.gone = asyncio.Event()
        self._server_closing = server_closing
        self._watcher = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        closing = asyncio.ensure_future(self._server_closing.wait())
        receive: asyncio.Future[Message] | None = None
        try:
            while True:
                receive = asyncio.ensure_future(self._receive())
                done, _ = await asyncio.wait(
                    {receive, closing}, return_when=asyncio.FIRST_COMPLETED
                )
                if receive not in done:  # the server is stopping
                    self.gone.set()
                    return
                if receive.result()["type"] == "http.disconnect":
                    if not self.record.completed:
                        self.record.disconnected = True
                    self.gone.set()
                    return
        finally:
            closing.cancel()
            if receive is not None:
                receive.cancel()

    async def close(self) -> None:
        self._watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._watcher

    async def pause(self, seconds: float) -> bool:
        """Wait; False if the client left (or the server is stopping) meanwhile."""
        if seconds <= 0:
            return not self.gone.is_set()
        if seconds <= _SHORT_SLEEP:
            await asyncio.sleep(seconds)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.gone.wait(), seconds)
        return not self.gone.is_set()

    async def start(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await self._send({"type": "http.response.start", "status": status, "headers": headers})

    async def body(self, data: bytes, *, more: bool) -> None:
        if not more:
            self.record.completed = True
        await self._send({"type": "http.response.body", "body": data, "more_body": more})

    async def json(self, status: int, payload: Any, headers: list[tuple[bytes, bytes]]) -> None:
        data = _json_bytes(payload)
        await self.start(
            status,
            [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        )
        await self.body(data, more=False)


class FakeProviderServer:
    """See the module docstring. Thread-safe: script and read from any thread."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, max_recorded: int | None = None
    ) -> None:
        """`port=0` picks a free port; `max_recorded` bounds memory in long benchmark runs."""
        # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto says TCP, and without it every keep-alive response waits ~40 ms (Nagle).
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(2048)
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        self.default: Behaviour = Reply()
        self._lock = threading.Lock()
        self._script: deque[Behaviour] = deque()
        self._requests: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: asyncio.Event | None = None
        self._server: uvicorn.Server | None = None
        self._error: BaseException | None = None

    # -- addresses -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """For the OpenAI SDK (and Gemini/Grok/Ollama settings): `.../v1`."""
        return f"{self.url}/v1"

    base_url = openai_base_url

    @property
    def anthropic_base_url(self) -> str:
        """For the Anthropic SDK, which adds `/v1/messages` itself."""
        return self.url

    # -- scripting and inspection ------------------------------------------------------------

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, in order."""
        with self._lock:
            self._script.extend(behaviours)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last `reset()`, oldest first (a snapshot)."""
        with self._lock:
            return list(self._requests)

    @property
    def pending(self) -> int:
        """Scripted behaviours not yet used."""
        with self._lock:
            return len(self._script)

    def reset(self, *, default: Behaviour | None = None) -> None:
        """Forget requests and unused script; restore (or set) the default behaviour."""
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self.default = default or Reply()

    async def wait_for(
        self, predicate: Callable[[list[RecordedRequest]], bool], timeout: float = 5.0
    ) -> list[RecordedRequest]:
        """Poll until `predicate(requests)` holds; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            requests = self.requests
            if predicate(requests):
                return requests
            if time.monotonic() > deadline:
                raise TimeoutError("the fake provider did not reach the expected state")
            await asyncio.sleep(0.005)

    async def wait_for_disconnect(self, timeout: float = 5.0) -> RecordedRequest:
        """The first request whose client went away before the response was complete."""
        requests = await self.wait_for(lambda rs: any(r.disconnected for r in rs), timeout)
        return next(r for r in requests if r.disconnected)

    # -- life cycle ---------------------------------------------------------------------------

    def start_sync(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        config = uvicorn.Config(
            self,
            lifespan="off",
            # Leave logging alone: other servers in the same process own its configuration.
            log_config=None,
            log_level=None,
            access_log=False,
            ws="none",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, name=f"fake-provider-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise RuntimeError("the fake provider failed to start") from self._error
            if time.monotonic() > deadline:
                raise TimeoutError("the fake provider did not start")
            time.sleep(0.005)

    def stop_sync(self, timeout: float = 10.0) -> None:
        server, thread, loop = self._server, self._thread, self._loop
        if server is None or thread is None:
            return
        if loop is not None and self._closing is not None:
            # Ends hanging and streaming handlers, so shutdown does not wait for them.
            with contextlib.suppress(RuntimeError):  # the loop has already finished
                loop.call_soon_threadsafe(self._closing.set)
        server.should_exit = True
        thread.join(timeout)
        self._server = self._thread = self._loop = None

    async def start(self) -> None:
        await asyncio.to_thread(self.start_sync)

    async def stop(self) -> None:
        await asyncio.to_thread(self.stop_sync)

    async def __aenter__(self) -> FakeProviderServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __enter__(self) -> FakeProviderServer:
        self.start_sync()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_sync()

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._closing = asyncio.Event()
            assert self._server is not None
            await self._server.serve(sockets=[self._sock])

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by start_sync
            self._error = exc

    # -- ASGI ---------------------------------------------------------------------------------

    def _next_behaviour(self) -> Behaviour:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        raw = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}

        api: Api | None = None
        if scope["method"] == "POST" and path.endswith("/chat/completions"):
            api = "openai"
        elif scope["method"] == "POST" and path.endswith("/messages"):
            api = "anthropic"
        if api is None:
            await _plain(send, 404, b"not found")
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            await _plain(send, 400, b"invalid JSON")
            return

        behaviour = self._next_behaviour()
        record = RecordedRequest(
            api=api, path=path, headers=headers, body=body, behaviour=behaviour
        )
        with self._lock:
            self._requests.append(record)
        assert self._closing is not None
        exchange = _Exchange(record, receive, send, self._closing)
        try:
            await self._respond(exchange, behaviour)
        finally:
            await exchange.close()

    async def _respond(self, ex: _Exchange, behaviour: Behaviour) -> None:
        record = ex.record
        if isinstance(behaviour, Hang):
            await ex.gone.wait()
            return
        if not await ex.pause(behaviour.first_byte_delay):
            return
        if isinstance(behaviour, ErrorReply):
            await self._error_reply(ex, behaviour)
            return
        deltas = split_text(behaviour.text, behaviour.chunks)
        model = behaviour.model or record.model or "fake-model"
        usage = (behaviour.prompt_tokens, behaviour.completion_tokens or len(deltas))
        if record.api == "openai":
            if record.stream:
                await _openai_stream(ex, behaviour, deltas, model, usage)
            else:
                await ex.json(200, _openai_completion(behaviour, model, usage), [])
        elif record.stream:
            await _anthropic_stream(ex, behaviour, deltas, model, usage)
        else:
            await ex.json(200, _anthropic_message(behaviour, model, usage), [])

    async def _error_reply(self, ex: _Exchange, error: ErrorReply) -> None:
        headers: list[tuple[bytes, bytes]] = []
        if error.retry_after is not None:
            headers.append((b"retry-after", f"{error.retry_after:g}".encode()))
        if ex.record.api == "openai":
            payload: dict[str, Any] = {
                "error": {
                    "message": error.message,
                    "type": "rate_limit_exceeded" if error.status == 429 else "api_error",
                    "param": None,
                    "code": None,
                }
            }
        else:
            kind = _ANTHROPIC_ERROR_TYPES.get(error.status, "api_error")
            payload = {"type": "error", "error": {"type": kind, "message": error.message}}
        await ex.json(error.status, payload, headers)


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(text))],
        }
    )
    await send({"type": "http.response.body", "body": text, "more_body": False})


_SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
]


async def _stream_deltas(
    ex: _Exchange, behaviour: Reply, frames: Iterator[bytes], error_frame: bytes
) -> bool:
    """Send one frame per delta as the behaviour says; True if the stream should go on."""
    for index, frame in enumerate(frames):
        if index == behaviour.fail_after:
            # Returning before the body is complete makes uvicorn drop the connection.
            return False
        if index == behaviour.stall_after:
            await ex.gone.wait()
            return False
        if index == behaviour.error_event_after:
            await ex.body(error_frame, more=False)
            return False
        if not await ex.pause(behaviour.chunk_delay):
            return False
        await ex.body(frame, more=True)
        ex.record.deltas_sent += 1
        if ex.gone.is_set():
            return False
    count = ex.record.deltas_sent
    if count == behaviour.fail_after:
        return False
    if count == behaviour.stall_after:
        await ex.gone.wait()
        return False
    if count == behaviour.error_event_after:
        await ex.body(error_frame, more=False)
        return False
    return True


def _openai_completion(behaviour: Reply, model: str, usage: tuple[int, int]) -> dict[str, Any]:
    prompt, completion = usage
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": behaviour.text, "refusal": None},
                "finish_reason": behaviour.finish_reason or "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


async def _openai_stream(
    ex: _Exchange, behaviour: Reply, deltas: list[str], model: str, usage: tuple[int, int]
) -> None:
    include_usage = bool((ex.record.body.get("stream_options") or {}).get("include_usage"))
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
        payload: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [
                {"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}
            ],
        }
        if include_usage:
            payload["usage"] = None
        return b"data: " + _json_bytes(payload) + b"\n\n"

    await ex.start(200, _SSE_HEADERS)
    await ex.body(chunk({"role": "assistant", "content": ""}), more=True)
    error = {"error": {"message": "Scripted stream error", "type": "server_error", "code": None}}
    frames = (chunk({"content": text}) for text in deltas)
    if not await _stream_deltas(ex, behaviour, frames, b"data: " + _json_bytes(error) + b"\n\n"):
        return
    tail = chunk({}, behaviour.finish_reason or "stop")
    if include_usage:
        prompt, completion = usage
        final = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
        tail += b"data: " + _json_bytes(final) + b"\n\n"
    await ex.body(tail + b"data: [DONE]\n\n", more=False)


def _anthropic_message(behaviour: Reply, model: str, usage: tuple[int, int]) -> dict[str, Any]:
    prompt, completion = usage
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": behaviour.text}],
        "stop_reason": behaviour.finish_reason or "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": prompt, "output_tokens": completion},
    }


def _sse(event: str, payload: dict[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + _json_bytes(payload) + b"\n\n"


async def _anthropic_stream(
    ex: _Exchange, behaviour: Reply, deltas: list[str], model: str, usage: tuple[int, int]
) -> None:
    prompt, completion = usage
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": 1},
        },
    }
    block_start = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "text", "text": ""},
    }
    await ex.start(200, _SSE_HEADERS)
    await ex.body(
        _sse("message_start", start)
        + _sse("content_block_start", block_start)
        + _sse("ping", {"type": "ping"}),
        more=True,
    )
    frames = (
        _sse(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}},
        )
        for t in deltas
    )
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    if not await _stream_deltas(ex, behaviour, frames, _sse("error", error)):
        return
    message_delta = {
        "type": "message_delta",
        "delta": {"stop_reason": behaviour.finish_reason or "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": completion},
    }
    await ex.body(
        _sse("content_block_stop", {"type": "content_block_stop", "index": 0})
        + _sse("message_delta", message_delta)
        + _sse("message_stop", {"type": "message_stop"}),
        more=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fake AI provider.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--text", default=Reply.text)
    parser.add_argument("--chunks", type=int, default=None, help="deltas per reply")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds per delta")
    parser.add_argument("--first-byte-delay", type=float, default=0.0)
    args = parser.parse_args()
    server = FakeProviderServer(host=args.host, port=args.port, max_recorded=1000)
    server.default = Reply(
        text=args.text,
        chunks=args.chunks,
        chunk_delay=args.chunk_delay,
        first_byte_delay=args.first_byte_delay,
    )
    server.start_sync()
    print(f"fake provider on {server.url} (OpenAI: {server.openai_base_url})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop_sync()


if __name__ == "__main__":
    main()
