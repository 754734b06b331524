"""`inputLimits`: the API's own limits on what users type, so forms check the same numbers
the API will (and follow the settings that change them)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from parley.auth.validation import MAX_FULL_NAME_CHARS, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS
from parley.chat.tables import MODEL_NAME_MAX_CHARS
from parley.graphql.context import Context


@strawberry.type(description="Limits on what users type; forms should check the same.")
class InputLimits:
    message_max_chars: int
    title_max_chars: int
    system_prompt_max_chars: int
    model_name_max_chars: int
    full_name_max_chars: int
    password_min_chars: int
    password_max_bytes: int = strawberry.field(description="UTF-8 bytes (bcrypt's limit).")


@strawberry.type
class InputLimitsQuery:
    @strawberry.field
    def input_limits(self, info: Info[Context, None]) -> InputLimits:
        settings = info.context.state.settings
        return InputLimits(
            message_max_chars=settings.message_max_chars,
            title_max_chars=settings.title_max_chars,
            system_prompt_max_chars=settings.system_prompt_max_chars,
            model_name_max_chars=MODEL_NAME_MAX_CHARS,
            full_name_max_chars=MAX_FULL_NAME_CHARS,
            password_min_chars=MIN_PASSWORD_CHARS,
            password_max_bytes=MAX_PASSWORD_BYTES,
        )
