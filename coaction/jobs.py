"""Background work. With Redis every job goes to an RQ queue and a worker runs it
(`flask --app wsgi coaction worker`); without Redis short jobs run inline right after the
transaction commits and long ones in a background thread. Never inside the request's transaction.

A job is a function registered with @job("name"); it runs in its own app context with its own
database session, and its writes are committed when it returns."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from coaction.extensions import db

log = logging.getLogger(__name__)
_registry: dict[str, Callable[..., Any]] = {}
_threads: list[threading.Thread] = []
_PENDING = "coaction.pending_jobs"


def job(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _registry[name] = function
        return function

    return register


def queue_name(app: Flask) -> str:
    return app.config["REDIS_PREFIX"] + "jobs"


def redis_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(queue_name(app), connection=Redis.from_url(app.config["REDIS_URL"]))


def execute(app: Flask, name: str, args: tuple) -> Any:
    """Run one job in a fresh app context (and so a fresh session), committing its writes."""
    with app.app_context():
        try:
            result = _registry[name](*args)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            log.exception("job %s%r failed", name, args)
            raise
        finally:
            db.session.remove()


def run_queued(name: str, *args: Any) -> Any:
    """The function RQ calls in the worker, where the worker command has pushed the app context."""
    return execute(current_app._get_current_object(), name, args)


def enqueue(name: str, *args: Any, long: bool = False) -> None:
    if name not in _registry:
        raise KeyError(f"no job named {name!r}")
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        redis_queue(app).enqueue(run_queued, name, *args, job_timeout=3600 if long else 300)
    elif long:
        thread = threading.Thread(target=execute, args=(app, name, args), name=f"job {name}", daemon=True)
        _threads[:] = [running for running in _threads if running.is_alive()]
        _threads.append(thread)
        thread.start()
    else:
        execute(app, name, args)


def enqueue_after_commit(name: str, *args: Any, long: bool = False) -> None:
    """Run or queue the job once the current transaction commits; a rollback drops it."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any other write still drops the job
    session.info.setdefault(_PENDING, []).append((name, args, long))


@event.listens_for(Session, "after_commit")
def _start_pending_jobs(session: Session) -> None:
    for name, args, long in session.info.pop(_PENDING, []):
        try:
            enqueue(name, *args, long=long)
        except Exception:  # the transaction is committed already: a failed job must not undo the answer
            log.exception("could not start job %s%r", name, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, _previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def wait_for_background_jobs(timeout: float = 30) -> None:
    """Join the background threads started so far (tests and commands that must see their results)."""
    while _threads:
        _threads.pop(0).join(timeout)


def run_worker(app: Flask, burst: bool = False) -> None:
    """An RQ worker that does not fork, so no database connection is shared with a child process."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = SimpleWorker([Queue(queue_name(app), connection=connection)], connection=connection)
    worker.work(burst=burst)
