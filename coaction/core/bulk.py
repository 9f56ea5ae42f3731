"""Help for computations over tens of thousands of rows in one request."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
