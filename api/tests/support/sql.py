"""Counting the SQL statements the app sends, the way performance is asserted here."""

from __future__ import annotations

from parley.request_context import current_request_id

OUTSIDE_REQUESTS = "-"


class StatementCounter:
    """Counts the statements sent on behalf of requests. The process's own loops (the reply
    reaper) run outside any request and would otherwise land in a count at random."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: object) -> None:
        if current_request_id() != OUTSIDE_REQUESTS:
            self.statements.append(str(args[2]))

    @property
    def count(self) -> int:
        return len(self.statements)
