"""A consultation response's documents: the draft goes round the organisations taking part, the final text is
public with the activity. The content checks and storage are core/documents.py's, as for meeting attachments."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from coaction.activities.models import Activity, ActivityDocument, DocumentKind
from coaction.activities.services import ActivityError
from coaction.audit.services import record
from coaction.core.documents import add_stored_document
from coaction.extensions import db

FOLDER = "activities"


def add_document(
    activity: Activity, kind: DocumentKind, data: bytes, filename: str, *, upload_path: str, actor, ip
) -> ActivityDocument:
    document = add_stored_document(
        partial(ActivityDocument, activity=activity, kind=kind),
        data,
        filename,
        folder=FOLDER,
        upload_path=upload_path,
        actor=actor,
        error=ActivityError,
    )
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
