"""The instruments are imported by the AI layer, the rate limiter and the GraphQL schema: each
must import first in a fresh interpreter (an import cycle shows only in some orders)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.servers import API_DIR


@pytest.mark.parametrize(
    "module",
    ["parley.metrics.instruments", "parley.rate_limits", "parley.ai", "parley.graphql.export"],
)
def test_imports_first_in_a_fresh_interpreter(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=API_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
