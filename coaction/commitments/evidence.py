"""Evidence files: PDF, PNG or JPEG up to 10 MB, the type checked by content (never by name), stored under the
upload directory with a random name, outside `static/`, and served only through a view that checks access."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "evidence"
TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
MAX_PIXELS = 50_000_000


class EvidenceError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _is_pdf(data: bytes) -> bool:
    """A PDF starts with its header (within the first KB, as readers allow) and ends with an end-of-file marker."""
    return b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]


def _image_kind(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG") or image.width * image.height > MAX_PIXELS:
                return None
            image.verify()
            return image.format.lower()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return None


def evidence_kind(data: bytes) -> str:
    """'pdf', 'png' or 'jpeg', decided by what the bytes are; anything else is refused with a reason."""
    if len(data) > MAX_BYTES:
        raise EvidenceError("the file is larger than 10 MB", "size")
    if not data:
        raise EvidenceError("the file is empty", "empty")
    if _is_pdf(data):
        return "pdf"
    kind = _image_kind(data)
    if kind is None:
        raise EvidenceError("only PDF, PNG and JPEG files", "type")
    return kind


def store_evidence(data: bytes, upload_path: str) -> tuple[str, str]:
    """Checks and writes the file; returns (stored name, content type)."""
    kind = evidence_kind(data)
    folder = Path(upload_path) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{kind}"
    (folder / stored).write_bytes(data)
    return stored, TYPES[kind]


def evidence_path(stored: str | None, upload_path: str) -> Path | None:
    if not stored or "/" in stored or "\\" in stored or stored.startswith("."):
        return None
    path = Path(upload_path) / FOLDER / stored
    return path if path.is_file() else None


def remove_evidence(stored: str, upload_path: str) -> None:
    path = evidence_path(stored, upload_path)
    if path is not None:
        path.unlink(missing_ok=True)
