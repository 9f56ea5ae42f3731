"""A consultation response's documents: the draft goes round the organisations taking part, the final text is
public with the activity. The same content checks and storage as meeting attachments."""

from __future__ import annotations

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityDocument, DocumentKind
from coaction.activities.services import ActivityError
from coaction.audit.services import record
from coaction.core.uploads import store_file
from coaction.extensions import db
from coaction.groups.documents import CONTENT_TYPES, DocumentError, document_kind

FOLDER = "activities"


def add_document(
    activity: Activity, kind: DocumentKind, data: bytes, filename: str, *, upload_path: str, actor, ip
) -> ActivityDocument:
    try:
        extension = document_kind(data)
    except DocumentError as error:
        raise ActivityError({"document": f"document_{error.code}"}) from error
    document = ActivityDocument(
        activity=activity,
        kind=kind,
        stored_name=store_file(data, upload_path, FOLDER, extension),
        filename=(filename or f"dokument.{extension}")[:200],
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    record(actor, "activity.document_added", activity, {"kind": kind, "file": document.filename}, ip)
    return document


def documents_of(activity: Activity) -> list[ActivityDocument]:
    return list(
        db.session.scalars(
            sa.select(ActivityDocument)
            .where(ActivityDocument.activity_id == activity.id)
            .order_by(ActivityDocument.kind, ActivityDocument.id)
        )
    )
