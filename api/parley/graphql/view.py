"""The Strawberry ASGI view: transport gates, the context, and socket auth at connection_init."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from parley.auth.service import AuthService
from parley.chat.durable_replies import DurableReplies
from parley.chat.service import ChatService
from parley.errors import Unauthenticated
from parley.graphql.context import Context
from parley.graphql.response_size import bounded
from parley.graphql.schema import build_schema, serving_extensions
from parley.graphql.socket_limits import SocketLimits
from parley.graphql.transport import (
    GuardedWebSocketAdapter,
    Refused,
    StrictTransportWSHandler,
    check_operation,
    read_body,
    refusal_response,
    refuse_get,
    replaying,
)
from parley.insights.service import InsightsService
from parley.state import AppState

# Operations one socket may run at once (each account has its own cap over all its sockets).
MAX_OPERATIONS_PER_SOCKET = 50


class ParleyGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = GuardedWebSocketAdapter
    graphql_transport_ws_handler_class = StrictTransportWSHandler

    def __init__(
        self,
        state: AppState,
        auth: AuthService,
        chat: ChatService,
        replies: DurableReplies,
        insights: InsightsService,
    ) -> None:
        super().__init__(
            build_schema(
                serving_extensions(state),
                hide_suggestions=not state.settings.graphql_introspection,
            ),
            graphql_ide="graphiql" if state.settings.graphql_ide else None,
            # GET only opens the IDE: a query in a URL could be sent by any page a user visits.
            allow_queries_via_get=False,
            # The legacy `graphql-ws` protocol is deliberately not offered.
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            allowed_origins=state.settings.cors_origin_list,
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=MAX_OPERATIONS_PER_SOCKET,
        )
        self.max_request_bytes = state.settings.max_request_bytes
        self.max_response_bytes = state.settings.max_response_bytes
        self._state = state
        self._auth = auth
        self._chat = chat
        self._replies = replies
        self._insights = insights
        settings = state.settings
        self._sockets = SocketLimits(
            state.redis,
            max_sockets=settings.ws_max_sockets_per_user,
            max_operations=settings.ws_max_subscriptions_per_user,
            check_seconds=settings.ws_check_seconds,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            if scope["method"] == "GET":
                request = Request(scope, receive)
                if not (
                    self.graphql_ide
                    and self.should_render_graphql_ide(self.request_adapter_class(request))
                ):
                    raise refuse_get()
            else:
                body = await read_body(scope, receive, self.max_request_bytes)
                check_operation(body)
                receive = replaying(body, receive)
            try:
                response = await self.run(Request(scope, receive))
            except HTTPException as exc:  # Strawberry's own refusals, in our format
                response = refusal_response(exc.status_code, exc.reason)
        except Refused as refused:
            response = refusal_response(refused.status, refused.message, refused.headers)
        await response(scope, receive, send)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        return bounded(response, self.max_response_bytes)

    async def render_graphql_ide(self, request: Request) -> Response:
        # The IDE page loads GraphiQL from unpkg and runs one inline script: allow exactly that.
        nonce = secrets.token_urlsafe(16)
        html = self.graphql_ide_html.replace("<script>", f'<script nonce="{nonce}">')
        socket_origin = f"{'wss' if request.url.scheme == 'https' else 'ws'}://{request.url.netloc}"
        policy = "; ".join(
            [
                "default-src 'none'",
                f"script-src 'nonce-{nonce}' https://unpkg.com",
                "style-src 'unsafe-inline' https://unpkg.com",
                "font-src https://unpkg.com data:",
                "img-src 'self' data: https://unpkg.com",
                f"connect-src 'self' {socket_origin}",
                "frame-ancestors 'none'",
                "base-uri 'none'",
                "form-action 'none'",
            ]
        )
        return HTMLResponse(html, headers={"content-security-policy": policy})

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            state=self._state,
            auth=self._auth,
            chat=self._chat,
            replies=self._replies,
            insights=self._insights,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # No token: an anonymous socket whose protected fields answer UNAUTHENTICATED.
        # A token that does not verify: refuse the socket (4403), as the contract says.
        # A signed-in socket takes one of its user's slots (over the cap: `TooManySockets`,
        # closed with 4429 by the handler); its watcher renews it.
        if context.bearer() is not None:
            try:
                claims = await context.claims()
            except Unauthenticated:
                raise ConnectionRejectionError from None
            context.socket = await self._sockets.admit_socket(claims)
        return await super().on_ws_connect(context)

    async def get_root_value(self, request: Any) -> None:
        return None
