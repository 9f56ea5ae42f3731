"""`python -m tests.benchmarks` (`make bench`): runs every bench_*.py module here in turn; each prints its figures.
A failing benchmark does not hide the others' figures, but still makes the run fail."""

from __future__ import annotations

import importlib
import pkgutil
import signal
import sys
import traceback
from pathlib import Path


def main() -> int:
    # gunicorn runs in its own session, so a SIGTERM (a CI timeout, a kill) must unwind the benchmark to stop it.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")
    )
    failed = []
    for name in names:
        module = importlib.import_module(f"{__package__}.{name}")
        try:
            module.run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
