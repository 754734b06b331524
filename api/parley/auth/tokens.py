"""JWTs: HS256 access and refresh tokens bound to a session id (`sid`)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from typing import Literal

import jwt

TokenType = Literal["access", "refresh"]
_ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or of the wrong type."""


@dataclass(frozen=True)
class Claims:
    user_id: uuid.UUID
    session_id: str
    jti: str
    type: TokenType
    expires_at: int

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.UTC)
        return max(0, self.expires_at - int(now.timestamp()))


class TokenCodec:
    def __init__(self, secret: str, access_ttl: dt.timedelta, refresh_ttl: dt.timedelta) -> None:
        self._secret = secret
        self.ttl: dict[TokenType, dt.timedelta] = {"access": access_ttl, "refresh": refresh_ttl}
        # A client sends the same token with every request: verify its signature once (HMAC
        # setup is a measurable share of a cached request), check its expiry every time.
        self._verified = functools.lru_cache(maxsize=4096)(self._verify)

    def issue(
        self, user_id: uuid.UUID, session_id: str, token_type: TokenType
    ) -> tuple[str, Claims]:
        now = dt.datetime.now(dt.UTC)
        expires = now + self.ttl[token_type]
        claims = Claims(user_id, session_id, uuid.uuid4().hex, token_type, int(expires.timestamp()))
        payload = {
            "sub": str(user_id),
            "sid": session_id,
            "jti": claims.jti,
            "type": token_type,
            "iat": int(now.timestamp()),
            "exp": claims.expires_at,
        }
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM), claims

    def decode(self, token: str, expected: TokenType) -> Claims:
        claims = self._verified(token)
        if claims.type != expected:
            raise InvalidToken(f"expected a {expected} token")
        if claims.seconds_left() <= 0:
            raise InvalidToken("expired")
        return claims

    def _verify(self, token: str) -> Claims:
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                options={"require": ["sub", "sid", "jti", "type", "exp", "iat"]},
            )
            token_type = payload["type"]
            if token_type not in ("access", "refresh"):
                raise InvalidToken("unknown token type")
            return Claims(
                user_id=uuid.UUID(payload["sub"]),
                session_id=str(payload["sid"]),
                jti=str(payload["jti"]),
                type=token_type,
                expires_at=int(payload["exp"]),
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc)) from None
