"""Small pure text helpers."""

import re
import unicodedata


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug for URLs: 'Södertälje kommun' -> 'sodertalje-kommun'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "org"


def parse_number(text: str) -> float | None:
    """'1 234,5' and '1234.5' alike (a Swedish decimal comma, spaces between thousands); None if not a number."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and abs(number) < 1e15 else None
