"""Uploaded files, whatever they hold: their type decided by content (never by name), stored under the upload
directory with a random name, outside `static/`, and served only through views that check access."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from flask import Response, send_file


def is_pdf(data: bytes) -> bool:
    """A PDF starts with its header (within the first KB, as readers allow) and ends with an end-of-file marker."""
    return b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]


# Office documents are ZIP packages; what they hold says which kind (the name never does).
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
MAX_ENTRIES = 10_000


def office_kind(data: bytes) -> str | None:
    """'docx', 'xlsx', 'pptx', 'odt', 'ods' or 'odp' for a readable package of that kind, else None."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if len(names) > MAX_ENTRIES:
                return None
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in OOXML_PARTS.items() if part in names), None)
            if names and names[0] == "mimetype":
                return ODF_TYPES.get(package.read("mimetype").strip())
    except (zipfile.BadZipFile, OSError, KeyError, NotImplementedError):
        return None
    return None


def store_file(data: bytes, upload_path: str, folder: str, extension: str) -> str:
    """Writes the (already checked) file under a random name; returns that name."""
    directory = Path(upload_path) / folder
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{extension}"
    (directory / stored).write_bytes(data)
    return stored


def stored_path(stored: str | None, upload_path: str, folder: str) -> Path | None:
    if not stored or "/" in stored or "\\" in stored or stored.startswith("."):
        return None
    path = Path(upload_path) / folder / stored
    return path if path.is_file() else None


def private_download(path: Path, content_type: str, filename: str, *, as_attachment: bool = True) -> Response:
    """A stored file for the one viewer the view has let through: kept by no cache, and sandboxed, so that a file
    opened in the browser runs nothing and reaches nothing (its own policy, not the site's)."""
    response = send_file(path, mimetype=content_type, download_name=filename, as_attachment=as_attachment, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def remove_stored(stored: str, upload_path: str, folder: str) -> None:
    path = stored_path(stored, upload_path, folder)
    if path is not None:
        path.unlink(missing_ok=True)
