"""The accounts part of the GraphQL schema: `me`, `register`, `login`, `refreshToken`, `logout`."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from parley.auth.service import IssuedTokens
from parley.auth.tables import User as UserRow
from parley.errors import Unauthenticated
from parley.graphql.context import Context


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    full_name: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: UserRow) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            full_name=row.full_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def from_tokens(cls, tokens: IssuedTokens) -> AuthPayload:
        return cls(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            token_type="Bearer",
            expires_in=tokens.expires_in,
            user=User.from_row(tokens.user),
        )


@strawberry.input
class RegisterInput:
    email: str
    password: str
    full_name: str | None = None


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Info[Context, None]) -> User:
        ctx = info.context
        row = await ctx.auth.get_user(await ctx.user_id())
        if row is None:  # deleted while a token for it was still alive
            raise Unauthenticated("Sign in to continue.")
        return User.from_row(row)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Creates an account and signs it in.")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> AuthPayload:
        await info.context.limit_auth_attempts()
        tokens = await info.context.auth.register(input.email, input.password, input.full_name)
        return AuthPayload.from_tokens(tokens)

    @strawberry.mutation(description="Signs in with email and password.")
    async def login(self, info: Info[Context, None], input: LoginInput) -> AuthPayload:
        await info.context.limit_auth_attempts()
        return AuthPayload.from_tokens(await info.context.auth.login(input.email, input.password))

    @strawberry.mutation(
        description=(
            "Rotates: the refresh token given is spent; "
            "reusing a spent one revokes its whole session."
        )
    )
    async def refresh_token(self, info: Info[Context, None], refresh_token: str) -> AuthPayload:
        await info.context.limit_auth_attempts()
        return AuthPayload.from_tokens(await info.context.auth.refresh(refresh_token))

    @strawberry.mutation(
        description="Revokes the session and blacklists the access token used for this call."
    )
    async def logout(self, info: Info[Context, None], refresh_token: str | None = None) -> bool:
        ctx = info.context
        await ctx.auth.logout(await ctx.claims(), refresh_token)
        return True
