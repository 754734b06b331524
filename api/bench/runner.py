"""The entry point the server benchmarks share: room for many sockets, SIGTERM as an exit, a
directory for server logs (kept when the run fails), uvloop when installed, and the report
printed and written."""

from __future__ import annotations

import asyncio
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import FrameType
from typing import Any


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Unwinds through the benchmark's `finally` blocks, which stop its servers.
    raise SystemExit(128 + signum)


def run_benchmark(
    run: Callable[[Path], Coroutine[Any, Any, str]],
    *,
    open_files: int,
    log_prefix: str,
    output: Path | None,
) -> None:
    """Runs `run(log_dir)` to its report, then prints it and writes it to `output`."""
    raise_open_files(open_files)
    signal.signal(signal.SIGTERM, _on_sigterm)
    log_dir = Path(tempfile.mkdtemp(prefix=log_prefix))
    try:
        import uvloop

        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            report = runner.run(run(log_dir))
    except BaseException:
        log(f"failed; server logs kept in {log_dir}")
        raise
    shutil.rmtree(log_dir, ignore_errors=True)
    print(report)
    if output is not None:
        output.write_text(report + "\n")
        log(f"wrote {output}")
