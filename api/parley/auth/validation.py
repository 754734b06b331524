"""Input rules for accounts: normalised emails and bcrypt-safe passwords."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from parley.errors import InvalidInput

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5 rejects) anything longer
MAX_FULL_NAME_CHARS = 200


def normalise_email(raw: str) -> str:
    """One spelling per address: compatibility forms (fullwidth letters, ligatures) and case
    folded first, so look-alike forms of one address are one account."""
    folded = unicodedata.normalize("NFKC", raw.strip()).casefold()
    try:
        checked = validate_email(folded, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput("Enter a valid email address.", field="email") from None
    return unicodedata.normalize("NFKC", checked.normalized).casefold()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            f"Password must be at least {MIN_PASSWORD_CHARS} characters.", field="password"
        )
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput(
            f"Password must be at most {MAX_PASSWORD_BYTES} bytes.", field="password"
        )


def clean_full_name(full_name: str | None) -> str | None:
    if full_name is None or not full_name.strip():
        return None
    name = full_name.strip()
    if len(name) > MAX_FULL_NAME_CHARS:
        raise InvalidInput(
            f"Full name must be at most {MAX_FULL_NAME_CHARS} characters.", field="full_name"
        )
    return name
