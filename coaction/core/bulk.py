"""Help for computations over tens of thousands of rows in one request."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from coaction.extensions import db

BATCH = 2_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """A bulk computation makes tens of thousands of small tuples that all survive until it ends and hold no
    reference cycles; the cyclic garbage collector would walk them over and over while they pile up. Pausing it
    for the loop halves the time of the status of 25,000 commitments (tests/benchmarks/bench_commitments.py).
    Reference counting still frees everything; the collector resumes as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def insert_in_batches(model: type, rows: Iterable[dict], progress: Callable[[int], None] = lambda n: None) -> int:
    """Bulk INSERTs of BATCH rows at a time, reporting each batch; returns how many rows went in."""
    inserted = 0
    rows = iter(rows)
    while batch := list(itertools.islice(rows, BATCH)):
        db.session.execute(sa.insert(model), batch)
        progress(len(batch))
        inserted += len(batch)
    return inserted
