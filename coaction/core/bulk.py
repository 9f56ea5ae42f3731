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
    """Bulk INSERTs of BATCH rows at a time, reporting each batch; returns how many rows went in.

    A None is written as NULL (`render_nulls`), so that every row of a batch has the same columns and the batch
    goes in as one executemany; otherwise the ORM splits it wherever the None values change (one statement per
    few rows: ten times slower on PostgreSQL at national scale, tests/benchmarks/bench_national.py). The price:
    a column's default is not applied to a None, so give a row no None for a column that has a default."""
    inserted = 0
    rows = iter(rows)
    statement = sa.insert(model).execution_options(render_nulls=True)
    while batch := list(itertools.islice(rows, BATCH)):
        db.session.execute(statement, batch)
        progress(len(batch))
        inserted += len(batch)
    return inserted
