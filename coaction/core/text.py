"""Small pure text helpers."""

import re
import unicodedata


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug for URLs: 'Södertälje kommun' -> 'sodertalje-kommun'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "org"
