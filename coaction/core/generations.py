"""Data generations: a named value in the shared cache that becomes a new random value after every committed
transaction that wrote what it watches. A cache key that holds the generation is never served stale, on any server,
and nothing has to find and delete the keys it replaces (they age out)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.orm import ORMExecuteState, Session

from coaction.extensions import cache

_WATCHED: dict[str, tuple[type, ...] | None] = {}  # name -> the models it watches (None: every write)
_CHANGED = "coaction.generations_changed"


def watch(name: str, models: Iterable[type] | None = None) -> str:
    """Register the generation `name`; returns its cache key."""
    _WATCHED[name] = tuple(models) if models is not None else None
    return key_of(name)


def key_of(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> str:
    return cache.get(key_of(name)) or "0"


def _changed(session: Session) -> set[str]:
    return session.info.setdefault(_CHANGED, set())


@sa.event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    rows = (*session.new, *session.dirty, *session.deleted)
    for name, models in _WATCHED.items():
        if rows and (models is None or any(isinstance(row, models) for row in rows)):
            _changed(session).add(name)


@sa.event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    """Bulk statements (synth, imports) write past the flush: every-write generations see them too."""
    if state.is_insert or state.is_update or state.is_delete:
        _changed(state.session).update(name for name, models in _WATCHED.items() if models is None)


@sa.event.listens_for(Session, "after_commit")
def _new_generations(session: Session) -> None:
    changed = session.info.pop(_CHANGED, set())
    if changed and has_app_context():
        # A new random value, not a count: with several servers a late write of count + 1 can undo a newer one.
        cache.set_many({key_of(name): uuid.uuid4().hex for name in changed}, timeout=0)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session: Session, _previous) -> None:
    session.info.pop(_CHANGED, None)
