"""What a document would cost once its fragments are expanded, measured in linear time.

Each fragment is measured once and its figures reused at every spread, so a chain of fragments
that each spread the next twice (2^n selections once expanded) costs n steps to measure, and is
refused before any other validation rule walks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Introspection is exempt from the depth limit (type references nest `ofType` a dozen levels),
# but not unbounded: graphql-core's MaxIntrospectionDepthRule bounds its lists, this its nesting.
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
MAX_INTROSPECTION_DEPTH = 20


@dataclass(frozen=True, slots=True)
class Cost:
    """Selections (fields, fragment spreads and inline fragments), aliases and nesting depth,
    counted as if every fragment were written out where it is spread."""

    selections: int = 0
    aliases: int = 0
    depth: int = 0
    introspection_depth: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.selections + other.selections,
            self.aliases + other.aliases,
            max(self.depth, other.depth),
            max(self.introspection_depth, other.introspection_depth),
        )


def _one_more(cost: Cost) -> Cost:
    """A fragment's cost where it is spread: its selections plus the spread itself."""
    return Cost(cost.selections + 1, cost.aliases, cost.depth, cost.introspection_depth)


class _Meter:
    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        # A fragment costs differently inside an introspection subtree: keyed by both.
        self._measured: dict[tuple[str, bool], Cost] = {}
        self._in_progress: set[tuple[str, bool]] = set()

    def fragment(self, name: str, *, introspection: bool) -> Cost:
        key = (name, introspection)
        known = self._measured.get(key)
        if known is not None:
            return known
        definition = self._fragments.get(name)
        # Unknown fragments and cycles are reported by the specified rules; they cost nothing here.
        if definition is None or key in self._in_progress:
            return Cost()
        self._in_progress.add(key)
        cost = self.selection_set(definition.selection_set, introspection=introspection)
        self._in_progress.discard(key)
        self._measured[key] = cost
        return cost

    def selection_set(self, selection_set: SelectionSetNode, *, introspection: bool) -> Cost:
        total = Cost()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, introspection=introspection)
            elif isinstance(selection, FragmentSpreadNode):
                total += _one_more(self.fragment(selection.name.value, introspection=introspection))
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set, introspection=introspection)
                total += _one_more(inner)
        return total

    def _field(self, field: FieldNode, *, introspection: bool) -> Cost:
        root = not introspection and field.name.value in INTROSPECTION_ROOTS
        inside = introspection or root
        inner = (
            self.selection_set(field.selection_set, introspection=inside)
            if field.selection_set
            else Cost()
        )
        return Cost(
            selections=inner.selections + 1,
            aliases=inner.aliases + (1 if field.alias else 0),
            # An introspection subtree adds no depth outside; inside, it counts on its own scale.
            depth=0 if inside else inner.depth + 1,
            introspection_depth=inner.introspection_depth + 1 if inside else 0,
        )


def measure(document: DocumentNode) -> Cost:
    """The cost of every operation in the document together (validation walks them all)."""
    meter = _Meter(document)
    total = Cost()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total += meter.selection_set(definition.selection_set, introspection=False)
    return total
