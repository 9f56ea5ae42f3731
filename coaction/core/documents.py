"""Uploaded documents (meeting attachments, an activity's consultation texts): PDF and office documents up to 10 MB,
the type decided by content, stored under a feature's folder and recorded as that feature's row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from coaction.core.uploads import is_pdf, office_kind, store_file
from coaction.extensions import db

MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}

Row = TypeVar("Row")


class DocumentError(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def document_kind(data: bytes) -> str:
    """'pdf' or an office kind ('docx', 'odt', ...), decided by what the bytes are; anything else is refused."""
    if not data:
        raise DocumentError("the file is empty", "empty")
    if len(data) > MAX_BYTES:
        raise DocumentError("the file is larger than 10 MB", "size")
    kind = "pdf" if is_pdf(data) else office_kind(data)
    if kind is None:
        raise DocumentError("only PDF and office documents", "type")
    return kind


def add_stored_document(
    make: Callable[..., Row],
    data: bytes,
    filename: str,
    *,
    folder: str,
    upload_path: str,
    actor,
    error: Callable[[dict[str, str]], Exception],
) -> Row:
    """Checks the file by content, stores it under `folder` and adds the row `make` builds from the file's columns
    (flushed, so it has its id). A refused file raises the feature's `error` with {"document": "document_<code>"};
    the caller records the audit event."""
    try:
        extension = document_kind(data)
    except DocumentError as refused:
        raise error({"document": f"document_{refused.code}"}) from refused
    row = make(
        stored_name=store_file(data, upload_path, folder, extension),
        filename=(filename or f"dokument.{extension}")[:200],
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    return row
