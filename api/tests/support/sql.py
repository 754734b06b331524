"""Counting the SQL statements the app sends, the way performance is asserted here."""

from __future__ import annotations


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: object) -> None:
        self.statements.append(str(args[2]))

    @property
    def count(self) -> int:
        return len(self.statements)
