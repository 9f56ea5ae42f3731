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


def parse_coordinates(text: str) -> list[tuple[float, float]] | None:
    """Places typed one per line as "latitude, longitude" (a decimal point, or comma inside a number with a
    semicolon between); None when a line is not such a pair."""
    places = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace(";", ",").split(",")]
        if len(parts) != 2:
            return None
        latitude, longitude = parse_number(parts[0]), parse_number(parts[1])
        if latitude is None or longitude is None:
            return None
        places.append((latitude, longitude))
    return places
