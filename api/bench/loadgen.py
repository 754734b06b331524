"""HTTP load for the API benchmarks: `wrk` when it is installed, else a small asyncio client.

`wrk` (Debian package `wrk`) is a C load generator that costs far less CPU per request than
any Python client, which matters on a two-core machine where the client and the server share
the cores. Its Lua hooks send the POST body and headers, check each response for the text the
caller expects, and print the latency percentiles as one JSON line.

The fallback keeps one kept-alive HTTP/1.1 connection per simulated client and writes each
request in one go (no HTTP library per request); `HttpConnection` is also what the login
storm uses for its logins and health probes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench.stats import percentile

HOST = "127.0.0.1"
_MARK = "BENCH_JSON "


@dataclass(frozen=True)
class LoadResult:
    tool: str
    requests: int
    seconds: float
    p50: float  # seconds
    p90: float
    p99: float
    max: float
    errors: int  # socket errors, timeouts and non-2xx/3xx statuses
    bad: int  # responses without the expected text, or with GraphQL errors
    client_cpu: float  # CPU seconds the load generator used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else math.nan


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    path = wrk_path()
    if path is None:
        return "-"
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
    return first.split(" [", 1)[0] or "wrk"


def _lua_long(text: str) -> str:
    """`text` as a Lua long string literal (no escaping inside)."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[{text}]{eq}]"


def _wrk_script(body: bytes, headers: Mapping[str, str], expect: str) -> str:
    header_lines = "\n".join(
        f"wrk.headers[ {_lua_long(k)} ] = {_lua_long(v)}" for k, v in headers.items()
    )
    return f"""
wrk.method = "POST"
wrk.body = {_lua_long(body.decode())}
{header_lines}

local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, {_lua_long(expect)}, 1, true)
     or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{_MARK}{{"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p99": %d, '
    .. '"max": %d, "errors": %d, "bad": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout, bad_total))
end
"""


def _write_temp(text: str, suffix: str) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False) as file:
        file.write(text)
    return Path(file.name)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def run_wrk(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    connections: int,
    seconds: float,
    expect: str,
) -> LoadResult:
    path = wrk_path()
    if path is None:
        raise RuntimeError("wrk is not installed")
    script = _write_temp(_wrk_script(body, headers, expect), ".lua")
    cpu_before = _children_cpu()
    try:
        process = await asyncio.create_subprocess_exec(
            path,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(seconds + 30):
                out, err = await process.communicate()
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    finally:
        _remove(script)
    text = out.decode(errors="replace")
    line = next((x for x in text.splitlines() if x.startswith(_MARK)), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text}\n{err.decode()}")
    data = json.loads(line[len(_MARK) :])
    return LoadResult(
        tool="wrk",
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        p50=data["p50"] / 1e6,
        p90=data["p90"] / 1e6,
        p99=data["p99"] / 1e6,
        max=data["max"] / 1e6,
        errors=int(data["errors"]),
        bad=int(data["bad"]),
        client_cpu=_children_cpu() - cpu_before,
    )


class HttpConnection:
    """One kept-alive HTTP/1.1 connection: a request written in one go, a Content-Length body
    read back. Minimal on purpose: the client's CPU comes out of the server's two cores."""

    def __init__(self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.port = port
        self._reader = reader
        self._writer = writer

    @classmethod
    async def open(cls, port: int) -> HttpConnection:
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(port, reader, writer)

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()

    def build(
        self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Write a built request and read its response: (status, body)."""
        self._writer.write(request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        length = None
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            elif name.strip().lower() == "transfer-encoding":
                raise ValueError("chunked responses are not supported")
        body = await self._reader.readexactly(length or 0)
        return status, body


async def run_python(
    port: int,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    connections: int,
    seconds: float,
    expect: str,
) -> LoadResult:
    """The fallback load generator: `connections` closed loops for `seconds`."""
    expected = expect.encode()
    latencies: list[float] = []
    counts = {"errors": 0, "bad": 0}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    began = time.perf_counter()
    deadline = began + seconds

    async def client() -> None:
        try:
            conn = await HttpConnection.open(port)
        except OSError:
            counts["errors"] += 1
            return
        request = conn.build("POST", path, body, headers)
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                status, answer = await conn.send(request)
                latencies.append(time.perf_counter() - sent)
                if status >= 400:
                    counts["errors"] += 1
                elif status != 200 or expected not in answer or b'"errors"' in answer:
                    counts["bad"] += 1
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            counts["errors"] += 1
        finally:
            await conn.close()

    async with asyncio.timeout(seconds + 30):
        await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return LoadResult(
        tool="python",
        requests=len(latencies),
        seconds=elapsed,
        p50=percentile(latencies, 50),
        p90=percentile(latencies, 90),
        p99=percentile(latencies, 99),
        max=max(latencies, default=math.nan),
        errors=counts["errors"],
        bad=counts["bad"],
        client_cpu=usage.ru_utime + usage.ru_stime - cpu_before,
    )


async def run_load(
    port: int,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    connections: int,
    seconds: float,
    expect: str,
    tool: str,
) -> LoadResult:
    """POST `body` to `path` from `connections` connections for `seconds` with `tool`."""
    if tool == "wrk":
        url = f"http://{HOST}:{port}{path}"
        return await run_wrk(
            url, body, headers, connections=connections, seconds=seconds, expect=expect
        )
    return await run_python(
        port, path, body, headers, connections=connections, seconds=seconds, expect=expect
    )
