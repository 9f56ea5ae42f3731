"""`python -m tests.benchmarks` (`make bench`): runs every bench_*.py module here in turn; each prints its figures.
A failing benchmark does not hide the others' figures, but still makes the run fail.

BENCH_ONLY=bench_http,bench_maps runs only those. The long ones run only when asked: bench_national with
BENCH_NATIONAL=1 (or when BENCH_ONLY names it)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys
import traceback
from pathlib import Path

# Each long benchmark and the variable that asks for it.
ON_REQUEST = {"bench_national": "BENCH_NATIONAL"}


def selected(names: list[str]) -> list[str]:
    only = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()]
    unknown = sorted(set(only) - set(names))
    if unknown:
        raise SystemExit(f"BENCH_ONLY: no benchmark {', '.join(unknown)} (there are {', '.join(names)})")
    if only:
        return [name for name in names if name in only]
    return [name for name in names if name not in ON_REQUEST or os.environ.get(ON_REQUEST[name], "") not in ("", "0")]


def main() -> int:
    # gunicorn runs in its own session, so a SIGTERM (a CI timeout, a kill) must unwind the benchmark to stop it.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if info.name.startswith("bench_")
    )
    failed = []
    for name in selected(names):
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
