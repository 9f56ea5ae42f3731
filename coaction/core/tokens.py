"""Random tokens for links in mails: the link carries the token, the database only its hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh (token, hash) pair. 32 random bytes: unguessable, so a plain SHA-256 is enough to store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
