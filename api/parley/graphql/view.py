"""The Strawberry ASGI view: builds the context and authenticates sockets at connection_init."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from parley.auth.service import AuthService
from parley.chat.service import ChatService
from parley.errors import Unauthenticated
from parley.graphql.context import Context
from parley.graphql.schema import build_schema, serving_extensions
from parley.state import AppState


class ParleyGraphQL(GraphQL[Context, None]):
    def __init__(self, state: AppState, auth: AuthService, chat: ChatService) -> None:
        super().__init__(
            build_schema(serving_extensions(state.settings)),
            graphql_ide="graphiql" if state.settings.graphql_ide else None,
            # The legacy `graphql-ws` protocol is deliberately not offered.
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            allowed_origins=state.settings.cors_origin_list,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=50,
        )
        self._state = state
        self._auth = auth
        self._chat = chat

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            state=self._state,
            auth=self._auth,
            chat=self._chat,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # No token: an anonymous socket whose protected fields answer UNAUTHENTICATED.
        # A token that does not verify: refuse the socket (4403), as the contract says.
        if context.bearer() is not None:
            try:
                await context.claims()
            except Unauthenticated:
                raise ConnectionRejectionError from None
        return await super().on_ws_connect(context)

    async def get_root_value(self, request: Any) -> None:
        return None
