"""The exported SDL is current, and it offers everything the contract promises."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    parse,
)
from graphql.language import (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    UnionTypeDefinitionNode,
    print_ast,
)

from parley.graphql.export import DEFAULT_PATH
from parley.graphql.schema import schema_sdl

CONTRACT = Path(__file__).resolve().parents[4] / "shared" / "contract" / "schema.graphql"
# Durable replies (v2): lists only what is new or changed, so it is read as a fragment of SDL.
REPLIES_CONTRACT = CONTRACT.with_name("replies.graphql")


def test_committed_schema_graphql_matches_the_code() -> None:
    assert DEFAULT_PATH.read_text() == schema_sdl(), "schema.graphql is stale: run `make generate`"


def _surface(schema: GraphQLSchema) -> dict[str, str]:
    """Every named thing and its type, as `Type.field(arg)` -> type string / default."""
    out: dict[str, str] = {}
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        out[name] = type(gtype).__name__
        if isinstance(gtype, (GraphQLObjectType, GraphQLInputObjectType)):
            for field_name, field in gtype.fields.items():
                out[f"{name}.{field_name}"] = str(field.type)
                for arg_name, arg in getattr(field, "args", {}).items():
                    out[f"{name}.{field_name}({arg_name})"] = f"{arg.type} = {arg.default_value!r}"
        elif isinstance(gtype, GraphQLEnumType):
            for value in gtype.values:
                out[f"{name}.{value}"] = "enum value"
        elif isinstance(gtype, GraphQLUnionType):
            out[name] = "union " + " | ".join(sorted(t.name for t in gtype.types))
    return out


@pytest.mark.skipif(not CONTRACT.exists(), reason="the shared contract is not beside this clone")
def test_schema_offers_the_whole_contract() -> None:
    ours = _surface(build_schema(schema_sdl()))
    promised = _surface(build_schema(CONTRACT.read_text()))
    missing = {k: v for k, v in promised.items() if k not in ours}
    different = {k: (v, ours[k]) for k, v in promised.items() if k in ours and ours[k] != v}
    assert not missing, f"missing from the schema: {missing}"
    assert not different, f"different from the contract (contract, ours): {different}"


def _promised_fragment(sdl: str) -> dict[str, str]:
    """What a partial SDL promises, in `_surface`'s terms: each listed field's type, each
    argument's type and default, each union's members."""
    out: dict[str, str] = {}
    for node in parse(sdl).definitions:
        if isinstance(node, (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)):
            name = node.name.value
            for field in node.fields or ():
                out[f"{name}.{field.name.value}"] = print_ast(field.type)
                for arg in field.arguments or ():
                    default = "" if arg.default_value is None else print_ast(arg.default_value)
                    out[f"{name}.{field.name.value}({arg.name.value})"] = (
                        f"{print_ast(arg.type)} = {default}"
                    )
        elif isinstance(node, UnionTypeDefinitionNode):
            members = sorted(t.name.value for t in node.types or ())
            out[node.name.value] = "union " + " | ".join(members)
    return out


def _replies_check() -> tuple[dict[str, str], dict[str, object]]:
    # Both sides read the same way, from their SDL text (defaults as written).
    ours = _promised_fragment(schema_sdl())
    promised = _promised_fragment(REPLIES_CONTRACT.read_text())
    missing = {k: v for k, v in promised.items() if k not in ours}
    different: dict[str, object] = {
        k: (v, ours[k]) for k, v in promised.items() if k in ours and ours[k] != v
    }
    return missing, different


@pytest.mark.skipif(
    not REPLIES_CONTRACT.exists(), reason="the shared contract is not beside this clone"
)
def test_schema_offers_the_durable_replies_contract() -> None:
    missing, different = _replies_check()
    assert not missing, f"missing from the schema: {missing}"
    assert not different, f"different from replies.graphql (contract, ours): {different}"
