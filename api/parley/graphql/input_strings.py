"""One gate for strings the database cannot store: NUL bytes and unpaired surrogates.

PostgreSQL text cannot hold NUL, and a lone surrogate (`"\\ud800"` in JSON) cannot be encoded
at all; either would fail deep in a resolver as an internal error. Every string that reaches a
resolver comes from the document's literals or from the variables, so both are checked here,
before execution, and the first bad one is refused naming where it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VariableDefinitionNode,
    Visitor,
    visit,
)

from parley.errors import ErrorCode

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refusal(path: str) -> GraphQLError:
    return GraphQLError(
        f"`{path}` must not contain NUL characters or unpaired surrogates.",
        extensions={"code": ErrorCode.BAD_USER_INPUT.value, "field": path},
    )


def _bad_in_value(value: Any, path: str) -> str | None:
    """The path of the first unstorable string in a JSON value, if any."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    return where
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def check_variables(variables: dict[str, Any] | None) -> list[GraphQLError]:
    for name, value in (variables or {}).items():
        bad = _bad_in_value(value, name)
        if bad is not None:
            return [_refusal(bad)]
    return []


def _literal_strings(node: ValueNode, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, StringValueNode):
        yield node.value, path
    elif isinstance(node, ListValueNode):
        for i, item in enumerate(node.values):
            yield from _literal_strings(item, f"{path}[{i}]")
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _literal_strings(field.value, f"{path}.{field.name.value}")


class _LiteralCheck(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.bad: str | None = None

    def _check(self, node: ValueNode | None, path: str) -> None:
        if node is None or self.bad is not None:
            return
        for text, where in _literal_strings(node, path):
            if _UNSTORABLE.search(text):
                self.bad = where
                return

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self._check(node.value, node.name.value)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self._check(node.default_value, node.variable.name.value)


def check_literals(document: DocumentNode) -> list[GraphQLError]:
    visitor = _LiteralCheck()
    visit(document, visitor)
    return [_refusal(visitor.bad)] if visitor.bad is not None else []
