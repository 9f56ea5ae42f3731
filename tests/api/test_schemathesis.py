"""schemathesis, with every check and a fixed seed, against a live server of the API with the access matrix's
data and a token of A's: it must find nothing. The rate limits are lifted for this run (its hundreds of requests
come from one address)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coaction.api.services import create_token
from coaction.extensions import db

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.app_config(RATELIMIT_ENABLED=False)
def test_schemathesis_finds_nothing(people, served, tmp_path):
    _row, secret = create_token(people["org_admin_a"], name="schemathesis", days=1, max_days=365, ip=None)
    db.session.commit()
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(CONFIG),
        "run", f"{served}/api/v1/openapi.json",
        "--checks", "all",
        "--seed", "20261202",
        "--max-examples", "20",
        "--workers", "1",
        "--generation-database", "none",
        "-H", f"Authorization: Bearer {secret}",
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603 (our own venv's schemathesis, fixed arguments)
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"}
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "No issues found" in done.stdout
