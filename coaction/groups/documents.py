"""Meeting attachments: PDF and office documents up to 10 MB, the type decided by content."""

from __future__ import annotations

from coaction.core.uploads import is_pdf, office_kind

MAX_BYTES = 10 * 1024 * 1024
FOLDER = "meetings"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


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
