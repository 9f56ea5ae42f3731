"""`python -m coaction.preflight`: can these settings run as one of several production app servers? `make serve`
and `make worker` ask first, and stop with the reason (exit status 1) when not."""

from __future__ import annotations

import sys

from coaction import config as settings


def main() -> int:
    try:
        settings.require_shared_services(settings.load({"ENV": "production"}))
    except settings.ConfigError as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
