"""What a document would cost once its fragments are expanded, measured in linear time.

Two measures, one walk each:
- `measure`: selections, aliases and depth, from the document alone, before any rule runs;
- `work`: the values a valid document can resolve, each list multiplying what is under it by
  its page argument (`first`/`last`, as sent or by default) or by its declared bound
  (`LIST_BOUNDS`). It needs the variables, so it runs per request, after validation.

Each fragment is measured once and its figures reused at every spread, so a chain of fragments
that each spread the next twice (2^n selections once expanded) costs n steps to measure, and is
refused before any other validation rule walks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from parley.ai import AIProvider
from parley.graphql.connections import MAX_PAGE

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


# Lists without a page argument, and the most items each holds: what the work estimate trusts.
# A list missing here counts as a full page (a test lists the schema's lists against this).
LIST_BOUNDS: dict[tuple[str, str], int] = {
    ("Query", "providers"): len(AIProvider),
    # Configured per provider (`<PROVIDER>_MODELS`); a handful in practice.
    ("ProviderInfo", "models"): 20,
    # Versions of one turn: one per regeneration or edit.
    ("Message", "siblingIds"): 20,
    # Matching words within one snippet's window.
    ("SearchHit", "highlights"): 20,
    ("UsageReport", "byModel"): 50,
    # Days with usage in the range asked (the default range is a month).
    ("UsageReport", "byDay"): 366,
    # A connection's edges: its field's `first`/`last` already multiplied them.
    ("ConversationConnection", "edges"): 1,
    ("MessageConnection", "edges"): 1,
    ("SearchConnection", "edges"): 1,
}
PAGE_ARGUMENTS = ("first", "last")

_Parent = GraphQLObjectType | GraphQLInterfaceType


def _variable_defaults(document: DocumentNode) -> dict[str, Any]:
    """Integer defaults of the operations' variables (the largest, if operations differ)."""
    defaults: dict[str, Any] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                value = variable.default_value
                if isinstance(value, IntValueNode):
                    name = variable.variable.name.value
                    defaults[name] = max(int(value.value), defaults.get(name, 0))
    return defaults


def _as_count(value: object) -> int | None:
    # bool is an int in Python, not in GraphQL; anything else fails coercion later anyway.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _WorkMeter:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self._schema = schema
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._variables = {**_variable_defaults(document), **variables}
        # Variables are fixed for the walk, so each fragment is measured once.
        self._measured: dict[str, int] = {}

    def _typed(self, name: str) -> _Parent | None:
        found = self._schema.get_type(name)
        return found if isinstance(found, _Parent) else None

    def fragment(self, name: str) -> int:
        known = self._measured.get(name)
        if known is not None:
            return known
        definition = self._fragments[name]
        # Marked before the walk: a cycle (refused by validation already) cannot recurse.
        self._measured[name] = 0
        work = self.selection_set(
            definition.selection_set, self._typed(definition.type_condition.name.value)
        )
        self._measured[name] = work
        return work

    def selection_set(self, selection_set: SelectionSetNode, parent: _Parent | None) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._typed(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, inner)
        return total

    def _field(self, node: FieldNode, parent: _Parent | None) -> int:
        name = node.name.value
        definition = parent.fields.get(name) if parent is not None else None
        # Introspection (bounded by its own rules) and `__typename` reach none of our data.
        if parent is None or definition is None or name.startswith("__"):
            return 1
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        items = self._page(node, definition.args)
        if items is None:
            items = LIST_BOUNDS.get((parent.name, name), MAX_PAGE) if is_list else 1
        if node.selection_set is None:
            return 1 + (items if is_list else 0)
        named = get_named_type(definition.type)
        # A union's members come through inline fragments, typed there.
        inner = named if isinstance(named, _Parent) else None
        return 1 + items * self.selection_set(node.selection_set, inner)

    def _page(self, node: FieldNode, arguments: Mapping[str, Any]) -> int | None:
        """The page size asked of a paginated field: as sent, else its default."""
        sizes: list[int] = []
        for name in PAGE_ARGUMENTS:
            if name not in arguments:
                continue
            sent = next((a.value for a in node.arguments or () if a.name.value == name), None)
            size = self._value(sent) if sent is not None else None
            if size is None:
                size = _as_count(arguments[name].default_value)
            # Below 1 the resolver refuses; never below 0, or it would offset its siblings.
            sizes.append(MAX_PAGE if size is None else max(size, 0))
        return max(sizes) if sizes else None

    def _value(self, node: ValueNode) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            return _as_count(self._variables.get(node.name.value))
        return None


def work(schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> int:
    """Values a valid document can resolve with these variables, lists multiplied out."""
    meter = _WorkMeter(schema, document, variables)
    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            total += meter.selection_set(definition.selection_set, root)
    return total
