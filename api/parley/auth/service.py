"""Accounts and sessions: register, login, refresh (rotating), logout, and token checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.auth import repository
from parley.auth.login_sessions import LoginSessions, Rotation
from parley.auth.passwords import PasswordHasher
from parley.auth.tables import User
from parley.auth.tokens import Claims, InvalidToken, TokenCodec, TokenType
from parley.auth.validation import check_password, clean_full_name, normalise_email
from parley.errors import Conflict, InvalidInput, Unauthenticated
from parley.rate_limits import RateLimiter
from parley.settings import Settings

log = structlog.get_logger(__name__)

BAD_CREDENTIALS = "Incorrect email or password."
INVALID_TOKEN = "Invalid or expired token."


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


class AuthService:
    def __init__(
        self,
        settings: Settings,
        db_sessions: async_sessionmaker[AsyncSession],
        redis: Redis,
        limiter: RateLimiter,
    ) -> None:
        self._db = db_sessions
        self._limiter = limiter
        self._failures_limit = settings.login_failures_limit
        self._logins = LoginSessions(redis)
        self._hasher = PasswordHasher(settings.bcrypt_rounds)
        self._tokens = TokenCodec(
            settings.secret_key.get_secret_value(),
            access_ttl=dt.timedelta(minutes=settings.access_token_expire_minutes),
            refresh_ttl=dt.timedelta(days=settings.refresh_token_expire_days),
        )

    async def register(self, email: str, password: str, full_name: str | None) -> IssuedTokens:
        email = normalise_email(email)
        check_password(password)
        name = clean_full_name(full_name)
        user = User(email=email, hashed_password=await self._hasher.hash(password), full_name=name)
        async with self._db() as db:
            try:
                await repository.add_user(db, user)
            except repository.EmailTaken:
                raise Conflict(
                    "An account with this email already exists.", field="email"
                ) from None
            await db.commit()
        log.info("user registered", user_id=str(user.id))
        return await self._open_session(user)

    async def login(self, email: str, password: str) -> IssuedTokens:
        # A malformed email gets the same answer (and cost) as a wrong password.
        try:
            email = normalise_email(email)
        except InvalidInput:
            email = ""
        # Failures are counted per address whatever the caller's IP (known or unknown alike,
        # so the count says nothing about who has an account); once over, even the right
        # password waits: that is what stops a distributed guess.
        account = ("login-failures", hashlib.sha256(email.encode()).hexdigest()) if email else ()
        if account:
            await self._limiter.check(self._failures_limit, *account)
        async with self._db() as db:
            user = await repository.user_by_email(db, email)
        ok = await self._hasher.verify(password, user.hashed_password if user else None)
        if user is None or not ok:
            if account:
                await self._limiter.record(self._failures_limit, *account)
            raise Unauthenticated(BAD_CREDENTIALS)
        return await self._open_session(user)

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        claims = self._decode(refresh_token, "refresh")
        access, _ = self._tokens.issue(claims.user_id, claims.session_id, "access")
        refresh, next_claims = self._tokens.issue(claims.user_id, claims.session_id, "refresh")
        outcome = await self._logins.rotate(
            claims.session_id, claims.jti, next_claims.jti, self._refresh_ttl
        )
        if outcome is Rotation.REUSE_DETECTED:
            log.warning("refresh token reuse: session revoked", user_id=str(claims.user_id))
        if outcome is not Rotation.ROTATED:
            raise Unauthenticated(INVALID_TOKEN)
        user = await self.get_user(claims.user_id)
        if user is None:
            await self._logins.revoke(claims.session_id)
            raise Unauthenticated(INVALID_TOKEN)
        return IssuedTokens(access, refresh, self._access_ttl, user)

    async def logout(self, access: Claims, refresh_token: str | None) -> None:
        if refresh_token is not None:
            # Only a refresh token of the caller's own session may name what to revoke.
            spent = self._decode(refresh_token, "refresh")
            if spent.session_id != access.session_id:
                raise Unauthenticated(INVALID_TOKEN)
        await self._logins.revoke(access.session_id)
        await self._logins.blacklist(access.jti, access.seconds_left())

    async def authenticate(self, bearer: str | None) -> Claims:
        """Claims of a valid, live access token, else `Unauthenticated`."""
        if not bearer:
            raise Unauthenticated("Sign in to continue.")
        scheme, _, token = bearer.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(INVALID_TOKEN)
        claims = self._decode(token.strip(), "access")
        if not await self._logins.access_allowed(claims.session_id, claims.jti):
            raise Unauthenticated(INVALID_TOKEN)
        return claims

    async def still_signed_in(self, claims: Claims) -> bool:
        """Whether these claims' session is live and the token not revoked (logout). Not its
        expiry: what a socket already runs may outlive the token it was opened with."""
        return await self._logins.access_allowed(claims.session_id, claims.jti)

    async def get_user(self, user_id: uuid.UUID) -> User | None:
        async with self._db() as db:
            return await repository.user(db, user_id)

    @property
    def _access_ttl(self) -> int:
        return int(self._tokens.ttl["access"].total_seconds())

    @property
    def _refresh_ttl(self) -> int:
        return int(self._tokens.ttl["refresh"].total_seconds())

    def _decode(self, token: str, expected: TokenType) -> Claims:
        try:
            return self._tokens.decode(token, expected)
        except InvalidToken:
            raise Unauthenticated(INVALID_TOKEN) from None

    async def _open_session(self, user: User) -> IssuedTokens:
        session_id = LoginSessions.new_session_id()
        access, _ = self._tokens.issue(user.id, session_id, "access")
        refresh, claims = self._tokens.issue(user.id, session_id, "refresh")
        await self._logins.open(session_id, user.id, claims.jti, self._refresh_ttl)
        return IssuedTokens(access, refresh, self._access_ttl, user)
