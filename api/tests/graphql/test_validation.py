"""The validation step: the cost gate, the linear field-merging rule, and the string gate.

These run graphql-core directly against the served schema (no server): validation is a pure
function of the document.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, OverlappingFieldsCanBeMergedRule, build_schema, parse, validate

from parley.graphql.document_cost import measure
from parley.graphql.field_merging import FieldMergingRule
from parley.graphql.schema import build_schema as build_parley_schema
from parley.graphql.validation import DocumentLimits, DocumentValidator

LIMITS = DocumentLimits(
    max_selections=500, max_depth=10, max_aliases=15, introspection=True, max_cost=10_000
)

# A schema with the shapes the merging rule must tell apart: unions, interfaces, lists,
# non-null and arguments.
PETS = build_schema(
    """
    interface Pet { name: String  nickname: String }
    type Dog implements Pet { name: String nickname: String barks: Boolean
                              owner: Human  size(unit: String): Int  tag: String! }
    type Cat implements Pet { name: String nickname: String meows: Boolean
                              owner: Human  size(unit: String): Float  tag: String }
    type Human { name: String  pets: [Pet]  friend: Human }
    union Animal = Dog | Cat
    type Query { pet: Pet  animal: Animal  dog: Dog  human: Human  humans: [Human] }
    """
)

# Valid and invalid documents for the spec's field-merging rule, from its examples and edges.
MERGING_CASES = [
    "{ dog { name name } }",
    "{ dog { a: name a: name } }",
    "{ dog { a: name a: nickname } }",
    '{ dog { size(unit: "cm") size(unit: "cm") } }',
    '{ dog { size(unit: "cm") size(unit: "in") } }',
    '{ dog { size(unit: "cm") size } }',
    "{ pet { ... on Dog { x: barks } ... on Cat { x: meows } } }",
    "{ pet { ... on Dog { x: size } ... on Cat { x: size } } }",
    "{ pet { ... on Dog { x: tag } ... on Cat { x: tag } } }",
    "{ pet { name ... on Dog { name: nickname } } }",
    "{ animal { ... on Dog { owner { name } } ... on Cat { owner { n: name } } } }",
    "{ animal { ... on Dog { owner { x: name } } ... on Cat { owner { x: name } } } }",
    "{ animal { ... on Dog { o: owner { x: name } } "
    "... on Cat { o: owner { x: friend { name } } } } }",
    "{ dog { owner { x: name } owner { x: name } } }",
    "{ dog { owner { x: name } owner { x: friend { name } } } }",
    "{ human { friend { name } friend { n: name } } }",
    "{ human { friend { a: name } friend { a: friend { name } } } }",
    "{ ...A ...B } fragment A on Query { dog { x: name } } "
    "fragment B on Query { dog { x: nickname } }",
    "{ ...A ...A } fragment A on Query { dog { x: name } }",
    "{ dog { ...F } dog { ...G } } fragment F on Dog { a: name } fragment G on Dog { a: tag }",
    "{ pet { ... on Pet { x: name } ... on Dog { x: nickname } } }",
    "{ humans { pets { name } } humans { pets { ... on Dog { name: barks } } } }",
    "{ dog { __typename __typename } }",
    "{ dog { t: __typename t: name } }",
]


def _has_error(schema: GraphQLSchema, document: str, rule: type) -> bool:
    return bool(validate(schema, parse(document), [rule]))


@pytest.mark.parametrize("document", MERGING_CASES)
def test_field_merging_agrees_with_graphql_core(document: str) -> None:
    assert _has_error(PETS, document, FieldMergingRule) == _has_error(
        PETS, document, OverlappingFieldsCanBeMergedRule
    )


def test_field_merging_reports_the_conflict_it_finds() -> None:
    errors = validate(PETS, parse("{ dog { a: name a: nickname } }"), [FieldMergingRule])
    assert [e.message for e in errors] == [
        "Fields 'a' conflict because 'name' and 'nickname' are different fields. "
        "Use different aliases on the fields to fetch both if this was intentional."
    ]
    assert len(errors[0].nodes or []) == 2


def fragment_chain(levels: int) -> str:
    parts = ["query Q { ...F1 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(1, levels)]
    parts.append(f"fragment F{levels} on Query {{ providers {{ provider }} }}")
    return "\n".join(parts)


def test_cost_counts_each_fragment_once_however_often_it_is_spread() -> None:
    cost = measure(parse(fragment_chain(40)))
    # 2^39 copies of the last fragment's two fields, plus the spreads: counted, not walked.
    assert cost.selections > 2**40
    assert cost.depth == 2


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_parley_schema()._schema


def _messages(schema: GraphQLSchema, document: str, limits: DocumentLimits = LIMITS) -> list[str]:
    return [e.message for e in DocumentValidator(limits)(schema, parse(document), document)]


def test_a_self_multiplying_document_is_refused_by_its_cost(schema: GraphQLSchema) -> None:
    # 30 levels would keep graphql-core's rules busy for about half an hour.
    [message] = _messages(schema, fragment_chain(30))
    assert "fragments are expanded; the limit is 500" in message


def test_repeated_selections_are_valid_and_counted(schema: GraphQLSchema) -> None:
    document = "{ " + " ".join(["providers { provider }"] * 240) + " }"
    assert _messages(schema, document) == []
    refused = _messages(schema, document, DocumentLimits(400, 10, 15, True, 10_000))
    assert refused == [
        "The document selects 480 fields and fragment spreads once its fragments are "
        "expanded; the limit is 400."
    ]


def test_depth_and_alias_limits_see_through_fragments(schema: GraphQLSchema) -> None:
    aliased = (
        "{ ...A ...A } fragment A on Query { "
        + " ".join(f"a{i}: providers {{ provider }}" for i in range(8))
        + " }"
    )
    assert _messages(schema, aliased) == ["The document uses 16 aliases; the limit is 15."]
    deep = (
        "{ conversations { ...E } } fragment E on ConversationConnection { edges { node { "
        "lastMessage { id } } } }"
    )
    assert _messages(schema, deep, DocumentLimits(500, 3, 15, True, 10_000)) == [
        "The document nests fields 5 deep (depth limit 3)."
    ]


def test_introspection_is_exempt_from_depth_but_bounded(schema: GraphQLSchema) -> None:
    from graphql import get_introspection_query

    assert _messages(schema, get_introspection_query(descriptions=True)) == []
    nested = '{ __type(name: "Query") { ' + "ofType { " * 25 + "name" + " }" * 25 + " } }"
    assert _messages(schema, nested) == [
        "The document nests introspection fields 27 deep; the limit is 20."
    ]


def test_without_introspection_there_are_no_hints(schema: GraphQLSchema) -> None:
    closed = DocumentLimits(500, 10, 15, introspection=False, max_cost=10_000)
    assert "Did you mean" in _messages(schema, "{ provider { provider } }")[0]
    [message] = _messages(schema, "{ provider { provider } }", closed)
    assert "Did you mean" not in message
    messages = _messages(schema, "{ __schema { queryType { name } } }", closed)
    assert messages
    assert all("introspection" in m.lower() for m in messages)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ('mutation { createConversation(input: {title: "a\\u0000b"}) { id } }', "input.title"),
        (
            'mutation { updateConversation(id: "1", input: {systemPrompt: "\\u0000"}) { id } }',
            "input.systemPrompt",
        ),
        ('query ($x: String = "\\u0000") { conversations(after: $x) { totalCount } }', "x"),
    ],
)
def test_unstorable_literals_are_refused_naming_the_field(
    schema: GraphQLSchema, document: str, field: str
) -> None:
    errors = DocumentValidator(LIMITS)(schema, parse(document), document)
    assert [(e.extensions or {}).get("field") for e in errors] == [field]
    assert [(e.extensions or {}).get("code") for e in errors] == ["BAD_USER_INPUT"]


def test_a_lone_surrogate_escape_does_not_even_parse() -> None:
    from graphql import GraphQLSyntaxError

    with pytest.raises(GraphQLSyntaxError):
        parse('{ conversation(id: "\\ud800") { id } }')
