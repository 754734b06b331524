"""The processes a benchmark runs: the fake provider and the API, each in a process of its own.

Both are started from the API directory with this interpreter (the project's venv), on loopback
ports, with their output sent to log files; `Service.stop()` ends them (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from parley.local_setup import create_database, drop_database

API_DIR = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
ORIGIN = "http://localhost:3000"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_running: list[Service] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def _status(self, key: str) -> int:
        """A `kB` figure from /proc/PID/status (VmRSS, VmHWM...)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
        raise RuntimeError(f"{key} not found for {self.name}")

    def rss_kib(self) -> int:
        return self._status("VmRSS")

    def peak_rss_kib(self) -> int:
        return self._status("VmHWM")

    def cpu_seconds(self) -> float:
        """User plus system CPU time used so far (its threads included)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        # Fields 14 and 15 of stat(5) (utime, stime); `fields` starts at field 3.
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 20.0) -> None:
        if self in _running:
            _running.remove(self)
        if self.process.poll() is not None:
            return
        # SIGTERM, not SIGINT: a process started from a background job has SIGINT ignored.
        # uvicorn shuts down gracefully on either; the fake provider just ends.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@atexit.register
def _stop_leftovers() -> None:
    # A backstop for crashes and interrupts: never leave a server behind.
    for service in list(_running):
        with contextlib.suppress(Exception):
            service.stop(timeout=5)


def _spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Service:
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=API_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C on the terminal reaches only the benchmark, which then
            # stops its servers in order.
            start_new_session=True,
        )
    service = Service(name, process, log_path)
    _running.append(service)
    return service


def _wait(service: Service, ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        service.check_alive()
        if ready():
            return
        if time.monotonic() > deadline:
            service.stop()
            raise TimeoutError(f"{service.name} did not start:\n{service.log_tail()}")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def start_fake_provider(
    *,
    name: str,
    log_dir: Path,
    text: str,
    chunks: int,
    chunk_delay: float,
    first_byte_delay: float = 0.0,
    port: int | None = None,
) -> tuple[Service, int]:
    port = port or free_port()
    args = [
        "-m",
        "tests.fakes.provider_server",
        "--host",
        HOST,
        "--port",
        str(port),
        "--text",
        text,
        "--chunks",
        str(chunks),
        "--chunk-delay",
        str(chunk_delay),
        "--first-byte-delay",
        str(first_byte_delay),
    ]
    service = _spawn(name, args, {**os.environ, "PYTHONUNBUFFERED": "1"}, log_dir)
    _wait(service, lambda: _port_open(port), timeout=20)
    return service, port


def api_env(
    *, database_url: str, redis_url: str, provider_port: int, request_timeout: float
) -> dict[str, str]:
    """The API's environment: every variable it reads that matters here, set explicitly so the
    repository's `.env` cannot point it at a real provider."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(36),  # 48 characters
        "BCRYPT_ROUNDS": "4",
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "json",
        "CORS_ORIGINS": ORIGIN,
        "GRAPHQL_IDE": "false",
        "DEFAULT_AI_PROVIDER": "OPENAI",
        "OPENAI_API_KEY": "bench",
        "OPENAI_BASE_URL": f"http://{HOST}:{provider_port}/v1",
        "ANTHROPIC_API_KEY": "",
        "GEMINI_API_KEY": "",
        "XAI_API_KEY": "",
        "OLLAMA_BASE_URL": "",
        "AI_REQUEST_TIMEOUT_SECONDS": str(request_timeout),
        # Read once rate limiting exists; harmless before.
        "RATE_LIMIT_MESSAGES": "1000000/minute",
        "RATE_LIMIT_AUTH": "1000000/minute",
        "PYTHONUNBUFFERED": "1",
    }


def start_api(
    *, name: str, log_dir: Path, env: dict[str, str], deflate: bool = False
) -> tuple[Service, int]:
    """One uvicorn worker serving `parley.main:create_app` as `make dev-api` and the image do
    (no proxy headers, no permessage-deflate unless `deflate`), ready when healthy."""
    port = free_port()
    args = [
        "-m",
        "uvicorn",
        "parley.main:create_app",
        "--factory",
        "--no-proxy-headers",
        "--ws-per-message-deflate",
        "true" if deflate else "false",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "10",
    ]
    service = _spawn(name, args, {**env, "API_PORT": str(port)}, log_dir)

    def healthy() -> bool:
        try:
            response = httpx.get(f"http://{HOST}:{port}/health_check", timeout=1)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    _wait(service, healthy, timeout=30)
    return service, port


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def start_shipped_api(*, name: str, log_dir: Path, env: dict[str, str], port: int) -> Service:
    """`python -m parley.server`, what `make serve` and the image run (no reload, the
    collector tuning, no permessage-deflate), with one worker on `port`, ready when healthy."""
    server_env = {**env, "API_HOST": HOST, "API_PORT": str(port), "API_WORKERS": "1"}
    service = _spawn(name, ["-m", "parley.server"], server_env, log_dir)

    def healthy() -> bool:
        try:
            response = httpx.get(f"http://{HOST}:{port}/health_check", timeout=1)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    # Generous: on a shared, busy machine two processes starting together can take a while.
    _wait(service, healthy, timeout=120)
    return service


async def prepare_database(database_url: str, log_dir: Path) -> None:
    """A fresh bench database (dropped and created again when its name says it is a bench one),
    migrated by Alembic as `make migrate` does."""
    name = urlsplit(database_url).path.lstrip("/")
    with (log_dir / "database.log").open("w") as log, contextlib.redirect_stdout(log):
        if "bench" in name:
            await drop_database(database_url)
        await create_database(database_url)
    await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=API_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


def count_established(remote_port: int) -> int:
    """TCP connections (IPv4) in ESTABLISHED state whose remote end is `remote_port`."""
    count = 0
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return -1
    for line in lines:
        fields = line.split()
        if (
            len(fields) > 3
            and fields[3] == "01"
            and int(fields[2].split(":")[1], 16) == remote_port
        ):
            count += 1
    return count
