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
    EnumTypeDefinitionNode,
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
# Conversation trees (v2): a fragment too.
BRANCHES_CONTRACT = CONTRACT.with_name("branches.graphql")
# Search, usage, budgets and provider fallback (v2): a fragment too.
INSIGHTS_CONTRACT = CONTRACT.with_name("insights.graphql")


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
        elif isinstance(node, EnumTypeDefinitionNode):
            for value in node.values or ():
                out[f"{node.name.value}.{value.name.value}"] = "enum value"
    return out


def _fragment_check(contract: Path) -> tuple[dict[str, str], dict[str, object]]:
    # Both sides read the same way, from their SDL text (defaults as written).
    ours = _promised_fragment(schema_sdl())
    promised = _promised_fragment(contract.read_text())
    missing = {k: v for k, v in promised.items() if k not in ours}
    different: dict[str, object] = {
        k: (v, ours[k]) for k, v in promised.items() if k in ours and ours[k] != v
    }
    return missing, different


# The later parts of the contract: each lists only what its issue added or changed.
@pytest.mark.parametrize(
    "fragment",
    [REPLIES_CONTRACT, BRANCHES_CONTRACT, INSIGHTS_CONTRACT],
    ids=lambda path: path.stem,
)
def test_schema_offers_each_later_part_of_the_contract(fragment: Path) -> None:
    if not fragment.exists():
        pytest.skip("the shared contract is not beside this clone")
    missing, different = _fragment_check(fragment)
    assert not missing, f"missing from the schema: {missing}"
    assert not different, f"different from {fragment.name} (contract, ours): {different}"


def test_the_fragment_reader_sees_what_branches_promise() -> None:
    # Guards the check above against reading nothing: each kind of promise is found.
    promised = _promised_fragment(
        "type Message { siblingIndex: Int! }\n"
        "type Subscription { regenerateReply(messageId: ID!, clientRequestId: String = null):"
        " ReplyEvent! }\nenum ExportFormat { MARKDOWN JSON }"
    )
    assert promised == {
        "Message.siblingIndex": "Int!",
        "Subscription.regenerateReply": "ReplyEvent!",
        "Subscription.regenerateReply(messageId)": "ID! = ",
        "Subscription.regenerateReply(clientRequestId)": "String = null",
        "ExportFormat.MARKDOWN": "enum value",
        "ExportFormat.JSON": "enum value",
    }
