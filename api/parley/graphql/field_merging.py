"""The spec's "Field Selection Merging" rule in time linear in the expanded document.

graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields that share a
response name, so one selection written n times costs n² comparisons (440 copies of
`providers { provider }` took 0.26 s of one event loop). Both things the rule checks are
equivalences (two fields return the same shape; two fields are the same field with the same
arguments), so here each field is compared with the first of its group only, and the
sub-selections of the whole group are merged and checked the same way, one level at a time.

Which fields must agree follows the spec: fields of one response name must return the same
shape always, and must also be the same field with the same arguments unless they sit on two
different object types (then at most one of them can apply to a value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLOutputType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    print_ast,
    type_from_ast,
)


@dataclass(frozen=True, slots=True)
class _Field:
    parent: GraphQLNamedType | None
    node: FieldNode
    definition: GraphQLField | None


def _response_name(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _shapes_conflict(first: GraphQLOutputType, second: GraphQLOutputType) -> bool:
    """Whether two types cannot describe one response value (composite types are compared
    later, field by field)."""
    while True:
        if first is second:
            return False
        if is_list_type(first) or is_list_type(second):
            if not (is_list_type(first) and is_list_type(second)):
                return True
        elif is_non_null_type(first) or is_non_null_type(second):
            if not (is_non_null_type(first) and is_non_null_type(second)):
                return True
        else:
            return is_leaf_type(first) or is_leaf_type(second)
        first, second = first.of_type, second.of_type


class FieldMergingRule(ValidationRule):
    """Replaces graphql-core's OverlappingFieldsCanBeMergedRule (same errors, linear cost)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._fragments = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        self._argument_keys: dict[int, tuple[tuple[str, str], ...]] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is not None:
            self._check_selections([(root, node.selection_set)], exclusive=False)

    # -- collecting --------------------------------------------------------------------------

    def _collect(
        self,
        parent: GraphQLNamedType | None,
        selection_set: SelectionSetNode,
        into: dict[str, list[_Field]],
        spread: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = getattr(parent, "fields", None)
                definition = fields.get(selection.name.value) if fields else None
                into.setdefault(_response_name(selection), []).append(
                    _Field(parent, selection, definition)
                )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = type_from_ast(self.context.schema, condition) if condition else parent
                self._collect(inner, selection.selection_set, into, spread)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                # A fragment spread twice in one merged set adds the same fields twice: once is
                # enough (and cycles end here; NoFragmentCyclesRule reports them).
                if fragment is None or name in spread:
                    continue
                spread.add(name)
                condition_type = type_from_ast(self.context.schema, fragment.type_condition)
                self._collect(condition_type, fragment.selection_set, into, spread)

    # -- checking ----------------------------------------------------------------------------

    def _check_selections(
        self,
        selection_sets: list[tuple[GraphQLNamedType | None, SelectionSetNode]],
        *,
        exclusive: bool,
    ) -> None:
        """Merge these selection sets (one response level) and check each response name."""
        grouped: dict[str, list[_Field]] = {}
        spread: set[str] = set()
        for parent, selection_set in selection_sets:
            self._collect(parent, selection_set, grouped, spread)
        for fields in grouped.values():
            if len(fields) > 1 or fields[0].node.selection_set is not None:
                self._check_fields(fields, exclusive=exclusive)

    def _check_fields(self, fields: list[_Field], *, exclusive: bool) -> None:
        """`fields` share a response name; `exclusive` when they can never apply together."""
        first = fields[0]
        for other in fields[1:]:
            if first.definition is None or other.definition is None:
                continue  # an unknown field: FieldsOnCorrectTypeRule reports it
            if _shapes_conflict(first.definition.type, other.definition.type):
                self._report(
                    first,
                    other,
                    f"they return conflicting types '{first.definition.type}' "
                    f"and '{other.definition.type}'",
                )
                return
        groups = [] if exclusive else self._must_agree(fields)
        for group in groups:
            for other in group[1:]:
                reason = self._disagreement(group[0], other)
                if reason is not None:
                    self._report(group[0], other, reason)
                    return
        if len(groups) == 1 and len(groups[0]) == len(fields):
            self._check_children(fields, exclusive=False)
            return
        # Fields on different object types need only return the same shape; the fields that
        # can apply together must also agree below.
        self._check_children(fields, exclusive=True)
        for group in groups:
            self._check_children(group, exclusive=False)

    def _check_children(self, fields: list[_Field], *, exclusive: bool) -> None:
        selection_sets = [
            (get_named_type(f.definition.type) if f.definition else None, f.node.selection_set)
            for f in fields
            if f.node.selection_set is not None
        ]
        if selection_sets:
            self._check_selections(selection_sets, exclusive=exclusive)

    @staticmethod
    def _must_agree(fields: list[_Field]) -> list[list[_Field]]:
        """Groups of fields that may apply to one value together, so must be the same field."""
        if any(not is_object_type(f.parent) for f in fields):
            # A field on an interface (or unknown type) may apply with every other one.
            return [fields]
        by_parent: dict[int, list[_Field]] = {}
        for field in fields:
            by_parent.setdefault(id(field.parent), []).append(field)
        return list(by_parent.values())

    def _disagreement(self, first: _Field, other: _Field) -> str | None:
        name, other_name = first.node.name.value, other.node.name.value
        if name != other_name:
            return f"'{name}' and '{other_name}' are different fields"
        if self._arguments(first.node) != self._arguments(other.node):
            return "they have differing arguments"
        return None

    def _arguments(self, node: FieldNode) -> tuple[tuple[str, str], ...]:
        key = self._argument_keys.get(id(node))
        if key is None:
            key = tuple(sorted((a.name.value, print_ast(a.value)) for a in node.arguments or ()))
            self._argument_keys[id(node)] = key
        return key

    def _report(self, first: _Field, other: _Field, reason: str) -> None:
        self.report_error(
            GraphQLError(
                f"Fields '{_response_name(first.node)}' conflict because {reason}. "
                "Use different aliases on the fields to fetch both if this was intentional.",
                [first.node, other.node],
            )
        )
