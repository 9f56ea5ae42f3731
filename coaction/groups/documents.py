"""Meeting attachments: checked and stored by core/documents.py, kept under this folder."""

from __future__ import annotations

FOLDER = "meetings"
