"""Small GraphQL clients for tests: HTTP (httpx) and graphql-transport-ws (websockets)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

ORIGIN = "http://localhost:3000"


@dataclass
class Result:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class GraphQLClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=10)

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Result:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        # json.dumps escapes what UTF-8 cannot carry (a lone surrogate becomes `\ud800`), as a
        # browser's JSON.stringify does; httpx's `json=` would fail to encode it.
        body = json.dumps({"query": query, "variables": variables or {}})
        response = await self.http.post("/graphql", content=body, headers=headers)
        return Result(response.status_code, response.json(), response.headers)

    async def register(
        self, email: str = "ada@example.com", password: str = "correct horse", name: str = "Ada"
    ) -> dict[str, Any]:
        result = await self(
            REGISTER, {"input": {"email": email, "password": password, "fullName": name}}
        )
        assert not result.errors, result.errors
        payload: dict[str, Any] = result.data["register"]
        return payload


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken tokenType expiresIn
    user { id email fullName createdAt updatedAt }
  }
}
"""


class Socket:
    """One graphql-transport-ws connection."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self._next_id = 0

    @classmethod
    async def open(
        cls, ws_url: str, token: str | None = None, origin: str = ORIGIN, init: bool = True
    ) -> Socket:
        conn = await connect(
            ws_url, subprotocols=[Subprotocol("graphql-transport-ws")], origin=Origin(origin)
        )
        socket = cls(conn)
        if init:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await socket.send({"type": "connection_init", "payload": payload})
        return socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.conn.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await self.conn.recv())
        return message

    async def ack(self) -> None:
        message = await self.receive()
        assert message["type"] == "connection_ack", message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        await self.send(
            {
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        return op_id

    async def complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete"})

    async def close(self) -> None:
        await self.conn.close()
