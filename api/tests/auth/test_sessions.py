"""Tokens and sessions: rotation, reuse detection, logout, tampering and expiry."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import jwt
from redis.asyncio import Redis

from tests.support.graphql import GraphQLClient

ME = "{ me { id } }"
REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(refreshToken: $token) { accessToken refreshToken expiresIn user { id } }
}
"""
LOGOUT = "mutation Logout($token: String) { logout(refreshToken: $token) }"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


async def test_refresh_rotates_and_new_tokens_work(client: GraphQLClient) -> None:
    first = await client.register()
    result = await client(REFRESH, {"token": first["refreshToken"]})
    rotated = result.data["refreshToken"]
    assert rotated["refreshToken"] != first["refreshToken"]
    assert rotated["user"]["id"] == first["user"]["id"]
    assert (await client(ME, token=rotated["accessToken"])).data["me"]["id"] == first["user"]["id"]
    again = await client(REFRESH, {"token": rotated["refreshToken"]})
    assert not again.errors


async def test_reusing_a_spent_refresh_token_revokes_the_whole_session(
    client: GraphQLClient,
) -> None:
    first = await client.register()
    rotated = (await client(REFRESH, {"token": first["refreshToken"]})).data["refreshToken"]

    replay = await client(REFRESH, {"token": first["refreshToken"]})
    assert replay.codes == ["UNAUTHENTICATED"]

    # Every token of that login is now dead: the newest refresh token and the access tokens.
    assert (await client(REFRESH, {"token": rotated["refreshToken"]})).codes == ["UNAUTHENTICATED"]
    assert (await client(ME, token=rotated["accessToken"])).codes == ["UNAUTHENTICATED"]
    assert (await client(ME, token=first["accessToken"])).codes == ["UNAUTHENTICATED"]


async def test_reuse_revokes_only_that_session(client: GraphQLClient) -> None:
    laptop = await client.register(email="ada@example.com", password="correct horse")
    phone = (
        await client(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken } }",
            {"i": {"email": "ada@example.com", "password": "correct horse"}},
        )
    ).data["login"]
    await client(REFRESH, {"token": laptop["refreshToken"]})
    await client(REFRESH, {"token": laptop["refreshToken"]})  # reuse: laptop session revoked
    assert (await client(ME, token=phone["accessToken"])).data["me"]
    assert not (await client(REFRESH, {"token": phone["refreshToken"]})).errors


async def test_concurrent_refresh_with_one_token_lets_exactly_one_win(
    client: GraphQLClient,
) -> None:
    import asyncio

    first = await client.register()
    results = await asyncio.gather(
        *(client(REFRESH, {"token": first["refreshToken"]}) for _ in range(5))
    )
    assert sum(1 for r in results if not r.errors) <= 1
    assert all(r.codes in ([], ["UNAUTHENTICATED"]) for r in results)


async def test_access_token_is_not_a_refresh_token_and_vice_versa(client: GraphQLClient) -> None:
    payload = await client.register()
    assert (await client(REFRESH, {"token": payload["accessToken"]})).codes == ["UNAUTHENTICATED"]
    assert (await client(ME, token=payload["refreshToken"])).codes == ["UNAUTHENTICATED"]


async def test_logout_revokes_session_and_blacklists_access_token(
    client: GraphQLClient, redis: Redis
) -> None:
    payload = await client.register(email="ada@example.com", password="correct horse")
    other = (
        await client(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            {"i": {"email": "ada@example.com", "password": "correct horse"}},
        )
    ).data["login"]

    result = await client(LOGOUT, {"token": payload["refreshToken"]}, token=payload["accessToken"])
    assert result.data == {"logout": True}

    assert (await client(ME, token=payload["accessToken"])).codes == ["UNAUTHENTICATED"]
    assert (await client(REFRESH, {"token": payload["refreshToken"]})).codes == ["UNAUTHENTICATED"]
    assert (await client(ME, token=other["accessToken"])).data["me"]  # other session unaffected

    jti = jwt.decode(payload["accessToken"], options={"verify_signature": False})["jti"]
    ttl = await redis.ttl(f"auth:blacklist:{jti}")
    assert 0 < ttl <= 15 * 60


async def test_logout_needs_a_valid_access_token(client: GraphQLClient) -> None:
    assert (await client(LOGOUT)).codes == ["UNAUTHENTICATED"]


async def test_logout_refuses_another_sessions_refresh_token(client: GraphQLClient) -> None:
    mine = await client.register(email="ada@example.com")
    theirs = await client.register(email="eve@example.com")
    result = await client(LOGOUT, {"token": theirs["refreshToken"]}, token=mine["accessToken"])
    assert result.codes == ["UNAUTHENTICATED"]
    assert not (await client(REFRESH, {"token": theirs["refreshToken"]})).errors


async def test_sessions_expire_with_redis_ttl(client: GraphQLClient, redis: Redis) -> None:
    payload = await client.register()
    sid = jwt.decode(payload["refreshToken"], options={"verify_signature": False})["sid"]
    ttl = await redis.ttl(f"auth:session:{sid}")
    assert 6 * 86400 < ttl <= 7 * 86400


def _forge(claims: dict[str, object], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


async def test_tampered_forged_and_expired_tokens_are_refused(client: GraphQLClient) -> None:
    payload = await client.register()
    good = jwt.decode(payload["accessToken"], options={"verify_signature": False})

    header, _body, signature = payload["accessToken"].split(".")
    changed = {**good, "sub": str(uuid.uuid4())}
    tampered_body = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    now = int(dt.datetime.now(dt.UTC).timestamp())
    candidates = {
        "tampered": f"{header}.{tampered_body}.{signature}",
        "wrong key": _forge(good, secret="another-secret-key-that-is-long-enough-000"),
        "expired": _forge({**good, "iat": now - 3600, "exp": now - 60}),
        "no exp": _forge({k: v for k, v in good.items() if k != "exp"}),
        "alg none": jwt.encode(good, key=None, algorithm="none"),
        "garbage": "not.a.token",
    }
    for name, token in candidates.items():
        result = await client(ME, token=token)
        assert result.codes == ["UNAUTHENTICATED"], name
        assert "Traceback" not in json.dumps(result.body)


async def test_authorization_header_must_be_bearer(client: GraphQLClient) -> None:
    payload = await client.register()
    response = await client.http.post(
        "/graphql",
        json={"query": ME},
        headers={"authorization": f"Token {payload['accessToken']}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
