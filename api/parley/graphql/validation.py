"""Parley's validation step: limits first, then the rules, in time linear in the document.

It replaces Strawberry's (the spec's rules, or ValidationCache) with:
1. a cost gate (`document_cost`): fields and fragment spreads after expansion, aliases and depth,
   each fragment measured once, so a self-multiplying document is refused in microseconds
   before any rule expands it;
2. the spec's rules, with the overlapping-fields rule replaced by a linear one
   (`field_merging`), plus graphql-core's introspection-depth rule and Strawberry's own;
3. the work gate (`document_cost.work`): lists multiplied by their page sizes, which may come
   from variables, so it runs for every request, after the rules (on a valid document);
4. the strings gate (`input_strings`) over literals and variables;
5. subscriptions refused outside the WebSocket.

Results of 1 and 2 are cached by the document's text (the parser cache keeps the parsed
document); 3 depends on the variables too, so it is never cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OverlappingFieldsCanBeMergedRule,
    specified_rules,
    validate,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.graphql import OperationType

from parley.errors import ErrorCode
from parley.graphql.document_cost import MAX_INTROSPECTION_DEPTH, Cost, measure, work
from parley.graphql.field_merging import FieldMergingRule
from parley.graphql.input_strings import check_literals, check_variables

CACHE_SIZE = 256


@dataclass(frozen=True)
class DocumentLimits:
    max_selections: int
    max_depth: int
    max_aliases: int
    introspection: bool
    # Values the document may resolve, lists multiplied by their page sizes.
    max_cost: int


def _refusal(message: str, **details: object) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.BAD_USER_INPUT.value, **details})


def _over_limits(cost: Cost, limits: DocumentLimits) -> GraphQLError | None:
    if cost.selections > limits.max_selections:
        return _refusal(
            f"The document selects {cost.selections} fields and fragment spreads once its "
            f"fragments are expanded; the limit is {limits.max_selections}."
        )
    if cost.depth > limits.max_depth:
        return _refusal(
            f"The document nests fields {cost.depth} deep (depth limit {limits.max_depth})."
        )
    if cost.introspection_depth > MAX_INTROSPECTION_DEPTH:
        return _refusal(
            f"The document nests introspection fields {cost.introspection_depth} deep; "
            f"the limit is {MAX_INTROSPECTION_DEPTH}."
        )
    if cost.aliases > limits.max_aliases:
        return _refusal(
            f"The document uses {cost.aliases} aliases; the limit is {limits.max_aliases}."
        )
    return None


class DocumentValidator:
    """Validates documents against one schema's limits, remembering recent answers."""

    def __init__(self, limits: DocumentLimits) -> None:
        self._limits = limits
        rules: list[type[ASTValidationRule]] = [
            FieldMergingRule if rule is OverlappingFieldsCanBeMergedRule else rule
            for rule in specified_rules
        ]
        rules += [MaybeNullValidationRule, OneOfInputValidationRule]
        if not limits.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self._rules = tuple(rules)
        self._cache: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    def __call__(
        self, schema: GraphQLSchema, document: DocumentNode, text: str | None
    ) -> list[GraphQLError]:
        if text is None:
            return self._validate(schema, document)
        errors = self._cache.get(text)
        if errors is None:
            errors = self._validate(schema, document)
            self._cache[text] = errors
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(text)
        return errors

    def over_budget(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> GraphQLError | None:
        """The refusal of a valid document whose lists, multiplied out, ask too much."""
        cost = work(schema, document, variables)
        if cost <= self._limits.max_cost:
            return None
        return _refusal(
            f"The document could resolve {cost} values once its lists are multiplied by their "
            f"page sizes; the limit is {self._limits.max_cost}. Ask for smaller pages.",
            cost=cost,
            limit=self._limits.max_cost,
        )

    def _validate(self, schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
        try:
            refused = _over_limits(measure(document), self._limits)
        except RecursionError:
            refused = _refusal("The document nests too deeply.")
        if refused is not None:
            return [refused]
        errors = validate(
            schema,
            document,
            self._rules,
            max_errors=20,
            # Without introspection, "did you mean" hints would leak the schema anyway.
            hide_suggestions=not self._limits.introspection,
        )
        return errors or check_literals(document)


class DocumentValidation(SchemaExtension):
    def __init__(self, validator: DocumentValidator) -> None:
        super().__init__()
        self._validator = validator

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        assert ec.graphql_document is not None
        schema = ec.schema._schema
        errors = self._validator(schema, ec.graphql_document, ec.query)
        if not errors:
            refused = self._validator.over_budget(schema, ec.graphql_document, ec.variables or {})
            errors = [refused] if refused else check_variables(ec.variables)
        if (
            not errors
            and ec.operation_type is OperationType.SUBSCRIPTION
            and not ec.context.is_socket
        ):
            errors = [
                _refusal(
                    "Subscriptions run over the WebSocket at this URL "
                    "(protocol graphql-transport-ws), not over HTTP."
                )
            ]
        # Set (even when empty), Strawberry's own validation step is skipped.
        ec.pre_execution_errors = errors
        yield
