"""Hypothesis against the HTTP endpoint with the inputs attackers reach for: strings holding NUL
bytes, lone surrogates and control characters in every argument of every root field, and
bodies that are JSON but not GraphQL requests. No answer may be a 5xx or INTERNAL_SERVER_ERROR.

(Schemathesis, in test_schemathesis.py, explores the schema's shapes; its strings rarely hold
a NUL, which is how a NUL in a title once reached PostgreSQL as a 500.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.graphql.schema import build_schema
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import REGISTER
from tests.support.threaded_server import ThreadedServer

SCHEMA = build_schema()._schema
# logout would revoke the session the other cases sign in with.
ROOT_FIELDS = [
    (kind, name, field)
    for kind, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type))
    if root is not None
    for name, field in root.fields.items()
    if name != "logout"
]

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    # Surrogates (category Cs) and controls are what a plain text strategy leaves out.
    st.text(st.characters(categories=["Cs", "Cc", "Zs", "Ll"]), min_size=1, max_size=20),
    st.sampled_from(["a\x00b", "\x00", "\ud800", "x\udfffy", "\u202e", "\ufeff", "%00"]),
)
UUIDS = st.uuids().map(str)


def _value(type_: GraphQLInputType) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type)
    nullable = st.none() | _inner(type_)
    return nullable


def _inner(type_: GraphQLInputType) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return st.lists(_value(type_.of_type), max_size=3)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(list(type_.values)) | HOSTILE_TEXT
    if isinstance(type_, GraphQLInputObjectType):
        required = {
            name: _inner(f.type)
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
        optional = {
            name: _value(f.type)
            for name, f in type_.fields.items()
            if not isinstance(f.type, GraphQLNonNull)
        }
        return st.fixed_dictionaries(required, optional=optional)
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "ID":
        return UUIDS | HOSTILE_TEXT
    if type_.name == "Int":
        return st.integers(min_value=-(2**31), max_value=2**31 - 1)
    if type_.name == "Boolean":
        return st.booleans()
    if type_.name == "Float":
        return st.floats(allow_nan=False)
    return HOSTILE_TEXT


def _document(kind: str, name: str, field: GraphQLField) -> str:
    params = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    args = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    call = f"{name}({args})" if args else name
    head = f"{kind} Fuzz({params})" if params else kind
    return f"{head} {{ {call}{selection} }}"


@st.composite
def operations(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind, name, field = draw(st.sampled_from(ROOT_FIELDS))
    variables = draw(
        st.fixed_dictionaries({arg: _value(spec.type) for arg, spec in field.args.items()})
    )
    return _document(kind, name, field), variables


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def api(database: str, fake_provider: FakeProviderServer) -> Iterator[tuple[httpx.Client, str]]:
    with ThreadedServer(fake_provider) as server, httpx.Client(base_url=server.url) as http:
        response = http.post(
            "/graphql",
            json={
                "query": REGISTER,
                "variables": {"input": {"email": "hostile@example.com", "password": "fuzz pass"}},
            },
        )
        yield http, response.json()["data"]["register"]["accessToken"]


def _assert_client_answer(response: httpx.Response, sent: object) -> None:
    assert response.status_code < 500, (sent, response.text[:300])
    body = response.json()
    assert body.get("errors") or body.get("data"), body
    for error in body.get("errors") or []:
        code = error.get("extensions", {}).get("code")
        assert code is not None, (sent, error)
        assert code != "INTERNAL_SERVER_ERROR", (sent, error)


@given(operation=operations())
@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_hostile_strings_in_every_argument(
    api: tuple[httpx.Client, str], operation: tuple[str, dict[str, Any]]
) -> None:
    http, token = api
    query, variables = operation
    # Escaped JSON, as a browser sends it: a lone surrogate travels as `\ud800`.
    body = json.dumps({"query": query, "variables": variables})
    response = http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
    )
    _assert_client_answer(response, (query, variables))


@given(value=JSON_VALUES)
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_json_that_is_not_a_request(api: tuple[httpx.Client, str], value: object) -> None:
    http, _ = api
    body = json.dumps(value)
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    _assert_client_answer(response, value)
    if not isinstance(value, dict) or not isinstance(value.get("query"), str):
        assert response.status_code == 400


@given(raw=st.binary(max_size=64))
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_bytes_that_are_not_json(api: tuple[httpx.Client, str], raw: bytes) -> None:
    http, _ = api
    response = http.post("/graphql", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
