"""Evidence files: PDF, PNG or JPEG up to 10 MB, the type checked by content (core/uploads.py stores them)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from coaction.core.uploads import is_pdf, remove_stored, store_file, stored_path

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "evidence"
TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
MAX_PIXELS = 50_000_000


class EvidenceError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


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
    if is_pdf(data):
        return "pdf"
    kind = _image_kind(data)
    if kind is None:
        raise EvidenceError("only PDF, PNG and JPEG files", "type")
    return kind


def store_evidence(data: bytes, upload_path: str) -> tuple[str, str]:
    """Checks and writes the file; returns (stored name, content type)."""
    kind = evidence_kind(data)
    return store_file(data, upload_path, FOLDER, kind), TYPES[kind]


def evidence_path(stored: str | None, upload_path: str) -> Path | None:
    return stored_path(stored, upload_path, FOLDER)


def remove_evidence(stored: str, upload_path: str) -> None:
    remove_stored(stored, upload_path, FOLDER)
