"""The work gate: lists multiplied by their page sizes, against the budget, before any resolver.

Pure tests run the gate on the served schema; the rest go through the real app and count the
SQL statements a refused document sends (none: it never reaches a resolver).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import (
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    get_nullable_type,
    parse,
    separate_operations,
)

from parley.graphql.connections import MAX_PAGE
from parley.graphql.document_cost import LIST_BOUNDS, PAGE_ARGUMENTS, work
from parley.graphql.schema import build_schema
from parley.graphql.validation import DocumentLimits, DocumentValidator
from parley.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.sql import StatementCounter

WEB_SRC = Path(__file__).resolve().parents[3] / "web" / "src"
DEFAULT_MAX_COST = int(Settings.model_fields["graphql_max_cost"].default)
DEFAULT_LIMITS = DocumentLimits(
    max_selections=int(Settings.model_fields["graphql_max_fields"].default),
    max_depth=int(Settings.model_fields["graphql_max_depth"].default),
    max_aliases=int(Settings.model_fields["graphql_max_aliases"].default),
    introspection=True,
    max_cost=DEFAULT_MAX_COST,
)


def amplification(aliases: int) -> str:
    """The issue's document: search hits, each with its conversation's last 100 messages."""
    one = (
        'search(query: "deploy", first: 100) { edges { node { conversation { '
        "messages(last: 100) { edges { node { content } } } } } } }"
    )
    return "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"


CONVERSATIONS_WITH_MESSAGES = (
    "{ conversations(first: 100) { edges { node { messages(last: 100) { edges { node { content "
    "} } } } } } }"
)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


# -- every document the web app sends fits ---------------------------------------------------


def _web_documents() -> str:
    """Every `.graphql` document of the web app and any inline `graphql(`...`)` one."""
    texts = [p.read_text() for p in sorted((WEB_SRC / "graphql").glob("*.graphql"))]
    inline = re.compile(r"graphql\(\s*`([^`]*)`")
    for path in sorted(WEB_SRC.rglob("*.ts*")):
        if "gql" not in path.relative_to(WEB_SRC).parts:  # the generated client
            texts += inline.findall(path.read_text())
    return "\n".join(texts)


def test_every_operation_of_the_web_app_passes_the_gate_at_full_pages(
    schema: GraphQLSchema,
) -> None:
    # Each operation with the fragments it uses, as the web client sends it.
    operations = separate_operations(parse(_web_documents())).items()
    assert len(operations) >= 15
    validator = DocumentValidator(DEFAULT_LIMITS)
    # Every page as large as the API allows: the web app asks for 20 to 50.
    full_pages = {name: MAX_PAGE for name in PAGE_ARGUMENTS}
    costs = {}
    for name, document in operations:
        assert validator(schema, document, None) == [], name
        assert validator.over_budget(schema, document, full_pages) is None, name
        costs[name] = work(schema, document, full_pages)
    # Room to spare: the costliest still fits the budget with a good margin.
    assert max(costs.values()) * 1.5 < DEFAULT_MAX_COST, costs


def test_every_list_in_the_schema_has_a_page_argument_or_a_declared_bound(
    schema: GraphQLSchema,
) -> None:
    undeclared = [
        f"{type_.name}.{name}"
        for type_ in schema.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)
        and not set(PAGE_ARGUMENTS) & set(field.args)
        and (type_.name, name) not in LIST_BOUNDS
    ]
    assert undeclared == []


def test_lists_multiply_what_is_under_them_by_their_page_size(schema: GraphQLSchema) -> None:
    small = (
        "{ conversations(first: 2) { edges { node { messages(last: 3) { edges { node { id } } "
        "} } } } }"
    )
    large = small.replace("first: 2", "first: 4")
    assert work(schema, parse(large), {}) > 1.9 * work(schema, parse(small), {})
    # The schema's defaults (first 20, last 50) when nothing is sent.
    default = small.replace("(first: 2)", "").replace("(last: 3)", "")
    sent = small.replace("first: 2", "first: 20").replace("last: 3", "last: 50")
    assert work(schema, parse(default), {}) == work(schema, parse(sent), {})


def test_a_fragment_is_measured_once_however_often_it_is_spread(schema: GraphQLSchema) -> None:
    parts = ["query Q { ...F1 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(1, 60)]
    parts.append("fragment F60 on Query { providers { provider } }")
    # 2^59 copies, counted not walked: this returns at once.
    assert work(schema, parse("\n".join(parts)), {}) > 2**59


def test_negative_page_sizes_cannot_offset_their_siblings(schema: GraphQLSchema) -> None:
    document = (
        "query ($n: Int!) { a: conversations(first: $n) { totalCount } "
        + CONVERSATIONS_WITH_MESSAGES[1:]
    )
    assert work(schema, parse(document), {"n": -(10**9)}) > DEFAULT_MAX_COST


# -- through the app ---------------------------------------------------------------------------


async def _refused_without_a_statement(
    client: GraphQLClient,
    sql_statements: StatementCounter,
    document: str,
    variables: dict[str, object] | None = None,
    token: str | None = None,
) -> dict[str, object]:
    token = token or (await client.register())["accessToken"]
    before = sql_statements.count
    result = await client(document, variables, token=token)
    assert sql_statements.count == before  # no resolver ran: not even the token's session
    assert result.data is None
    [error] = result.errors
    extensions: dict[str, object] = error["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT"
    assert extensions["limit"] == DEFAULT_MAX_COST
    assert isinstance(extensions["cost"], int)
    assert extensions["cost"] > DEFAULT_MAX_COST
    return extensions


async def test_the_issues_three_alias_search_document_is_refused_before_any_resolver_runs(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    document = amplification(3)
    assert len(document) < 450
    extensions = await _refused_without_a_statement(client, sql_statements, document)
    assert extensions["cost"] == 3 * work(build_schema()._schema, parse(amplification(1)), {})


async def test_a_page_of_conversations_each_with_its_messages_is_refused_before_any_resolver(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    await _refused_without_a_statement(client, sql_statements, CONVERSATIONS_WITH_MESSAGES)


async def test_page_sizes_sent_as_variables_count_and_are_not_cached_with_the_text(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    document = (
        "query Pages($n: Int!) { conversations(first: $n) { edges { node { "
        "messages(last: $n) { edges { node { content } } } } } } }"
    )
    token = (await client.register())["accessToken"]
    assert (await client(document, {"n": 5}, token=token)).errors == []
    await _refused_without_a_statement(client, sql_statements, document, {"n": 100}, token)
    # The same text with small pages again: answered, the refusal was not kept for the text.
    assert (await client(document, {"n": 5}, token=token)).errors == []
