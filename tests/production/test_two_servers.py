"""Two app servers (gunicorn, as `make serve` starts them) and an RQ worker against one database and one Redis:
what one server does, the other knows at once. Each server has its own instance directory; the upload directory is
the one thing on disk they share. The servers trust one proxy hop, so each test speaks from its own client
address (X-Forwarded-For) and the login rate limit of one test does not reach the next."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess  # nosec B404
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from coaction import create_app
from coaction.config import ROOT
from coaction.extensions import db
from tests.conftest import app_config
from tests.factories import PASSWORD, make_commitment, make_organisation, make_user, tiny_png

pytestmark = pytest.mark.db

START_SECONDS = 60
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def free_ports(count: int) -> list[int]:
    probes = [socket.socket() for _ in range(count)]  # held open together, so the ports differ
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@dataclass
class Cluster:
    a: str  # the two servers' base URLs
    b: str
    uploads: Path
    instances: list[Path]
    seeded: dict
    processes: list[tuple[str, subprocess.Popen, Path]] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict, log_dir: Path) -> subprocess.Popen:
        log = log_dir / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603  # nosec B603 (our own interpreter, fixed arguments)
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append((name, process, log))
        return process

    def logs(self) -> str:
        tails = (f"----- {name} -----\n{log.read_text(errors='replace')[-6000:]}" for name, _, log in self.processes)
        return "\n".join(tails)

    def wait_until_healthy(self, base: str) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if any(process.poll() is not None for _, process, _ in self.processes):
                break
            try:
                if requests.get(base + "/healthz", timeout=2).json().get("up_to_date"):
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{base} did not become healthy:\n{self.logs()}")

    def stop(self) -> None:
        for _, process, _ in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process, _ in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def seed(url: str, uploads: str) -> dict:
    """Migrate the empty database and add the cast: a member with its admin, a public commitment with a place, the
    admin's API token and a coordinator."""
    from flask_migrate import upgrade

    from coaction.api.services import create_token
    from coaction.auth.models import Role
    from coaction.commitments.models import CommitmentLocation

    app = create_app(app_config(url, UPLOAD_PATH=uploads))
    with app.app_context():
        upgrade()
        organisation = make_organisation(name="Skalbar Logistik AB")
        org_admin = make_user(role=Role.ORG_ADMIN, organisation=organisation, email="admin@skalbar.example")
        make_user(role=Role.COORDINATOR, email="samordnare@skalbar.example")
        commitment = make_commitment(organisation, title="Laddpunkter i Södertälje")
        db.session.add(CommitmentLocation(commitment=commitment, latitude=59.19, longitude=17.63))
        _token, secret = create_token(org_admin, name="Rapportskript", days=30, max_days=365, ip=None)
        db.session.commit()
        seeded = {"slug": organisation.slug, "commitment_id": commitment.id, "token": secret}
        db.session.remove()
        db.engine.dispose()
    return seeded


@pytest.fixture(scope="module")
def cluster(make_database, redis_url, _smtp_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("two-servers")
    uploads, log_dir = base / "shared-uploads", base / "logs"
    uploads.mkdir()
    log_dir.mkdir()
    url = make_database("servers")
    seeded = seed(url, str(uploads))
    port_a, port_b = free_ports(2)
    env = (
        os.environ
        | {
            "COACTION_ENV": "production",
            "COACTION_SECRET_KEY": secrets.token_hex(32),  # one key for both: either server reads the other's cookies
            "COACTION_DATABASE_URL": url,
            "COACTION_REDIS_URL": redis_url,
            # Within the run's prefix, which the redis_url fixture clears at the end.
            "COACTION_REDIS_PREFIX": f"{app_config('')['REDIS_PREFIX']}two-servers-{uuid.uuid4().hex[:8]}:",
            "COACTION_UPLOAD_PATH": str(uploads),
            "COACTION_MAIL_SERVER": "127.0.0.1",
            "COACTION_MAIL_PORT": str(_smtp_server.port),
            "COACTION_BASE_URL": f"http://127.0.0.1:{port_a}",
            "COACTION_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
            "COACTION_HSTS": "0",
            "COACTION_PROXY_HOPS": "1",
            "COACTION_LOGIN_RATE_LIMIT": "3 per hour",
            "COACTION_NETWORK_AUTO_REFRESH": "0",  # the worker's queue holds only what the tests send it
        }
    )
    instances = [base / "instance-a", base / "instance-b"]
    servers = Cluster(f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", uploads, instances, seeded)
    try:
        for name, port, instance in (("a", port_a, instances[0]), ("b", port_b, instances[1])):
            instance.mkdir()
            gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", "1"]
            # Without the control socket, which every gunicorn of this user would share.
            command = [*gunicorn, "--no-control-socket", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
            servers.start(f"server {name}", command, env | {"COACTION_INSTANCE_PATH": str(instance)}, log_dir)
        worker = [sys.executable, "-m", "flask", "--app", "wsgi", "coaction", "worker"]
        servers.start("worker", worker, env | {"COACTION_INSTANCE_PATH": str(base / "instance-worker")}, log_dir)
        servers.wait_until_healthy(servers.a)
        servers.wait_until_healthy(servers.b)
        yield servers
    finally:
        servers.stop()


@pytest.fixture
def servers(cluster):
    """The cluster; a failing test shows the servers' and the worker's logs."""
    yield cluster
    print(cluster.logs())  # shown by pytest only when the test failed


def browser(address: str) -> requests.Session:
    """A visitor at `address` (as the load balancer names it); cookies are not kept per port, as a browser's are
    not per server behind one site address."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = address
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    return CSRF.search(page.text).group(1)


def log_in(session: requests.Session, base: str, email: str, password: str = PASSWORD) -> requests.Response:
    token = csrf_token(session, base + "/login")
    return session.post(
        base + "/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=10,
    )


def test_a_login_on_one_server_is_valid_on_the_other(servers):
    person = browser("10.0.1.1")
    answer = log_in(person, servers.a, "admin@skalbar.example")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account")

    account = person.get(servers.b + "/account", allow_redirects=False, timeout=10)
    assert account.status_code == 200
    assert "admin@skalbar.example" in account.text

    stranger = browser("10.0.1.2")  # no cookie: B sends it to the login page
    assert stranger.get(servers.b + "/account", allow_redirects=False, timeout=10).status_code == 302
    forged = browser("10.0.1.1")  # A's cookie signed with another key is nobody's session
    forged.cookies.set("session", person.cookies["session"][:-4] + "AAAA")
    assert forged.get(servers.b + "/account", allow_redirects=False, timeout=10).status_code == 302


def test_the_login_rate_limit_counts_on_both_servers(servers):
    guesser = browser("10.0.2.2")
    token = csrf_token(guesser, servers.a + "/login")  # a token from A's form is good on B too
    wrong = {"csrf_token": token, "email": "admin@skalbar.example", "password": "not-the-password"}
    answers = [guesser.post(base + "/login", data=wrong, timeout=10).status_code for base in (servers.a, servers.b) * 3]
    assert answers == [422, 422, 422, 429, 429, 429]  # 3 per hour from one address, whichever server counts

    neighbour = browser("10.0.2.3")  # another address has its own count
    assert log_in(neighbour, servers.b, "admin@skalbar.example", "not-the-password").status_code == 422


def tolerance_shown(session: requests.Session, base: str) -> str:
    page = session.get(base + "/coordinator/commitments/settings", timeout=10)
    assert page.status_code == 200
    return re.search(r'<input[^>]*name="tolerance"[^>]*value="(\d+)"', page.text).group(1)


def test_a_setting_changed_on_one_server_is_shown_by_the_other_at_once(servers):
    """The settings are cached (a minute) in Redis: the change on A must clear them for B, not wait for it."""
    coordinator = browser("10.0.3.3")
    assert log_in(coordinator, servers.a, "samordnare@skalbar.example").status_code == 302
    assert tolerance_shown(coordinator, servers.b) == "10"  # B has read, and cached, the setting

    url = servers.a + "/coordinator/commitments/settings"
    form = {"csrf_token": csrf_token(coordinator, url), "tolerance": "25", "period": "yearly"}
    assert coordinator.post(url, data=form, allow_redirects=False, timeout=10).status_code == 302
    assert tolerance_shown(coordinator, servers.b) == "25"

    refused = coordinator.post(url, data=form | {"tolerance": "250"}, allow_redirects=False, timeout=10)
    assert refused.status_code in (200, 422) and tolerance_shown(coordinator, servers.b) == "25"


def our_feature(base: str, commitment_id: int) -> dict:
    layer = requests.get(base + "/api/v1/commitments.geojson", timeout=10)
    assert layer.status_code == 200
    (feature,) = [f for f in layer.json()["features"] if f["properties"]["id"] == commitment_id]
    return feature["properties"]


def test_a_report_through_one_server_is_on_the_other_servers_cached_map_layer(servers):
    commitment_id = servers.seeded["commitment_id"]
    assert our_feature(servers.b, commitment_id)["progress"] is None  # B builds and caches the layer
    assert our_feature(servers.b, commitment_id)["progress"] is None

    url = f"{servers.a}/api/v1/commitments/{commitment_id}/reports"
    report = {"reported_on": "2026-01-15", "value": 60, "comment": "Via A"}
    bearer = {"Authorization": f"Bearer {servers.seeded['token']}"}
    assert requests.post(url, json=report, headers=bearer, timeout=10).status_code == 201
    assert our_feature(servers.b, commitment_id)["progress"] == 50

    forged = {"Authorization": "Bearer coa_" + "x" * 40}
    assert requests.post(url, json=report | {"value": 110}, headers=forged, timeout=10).status_code == 401
    assert our_feature(servers.b, commitment_id)["progress"] == 50


def test_a_job_queued_by_one_server_is_run_by_the_worker(servers, mailbox):
    """A password reset on A: the lookup and the mail are jobs, on Redis, for the worker; the link works on B."""
    person = browser("10.0.4.4")
    form = {"csrf_token": csrf_token(person, servers.a + "/reset"), "email": "admin@skalbar.example"}
    assert person.post(servers.a + "/reset", data=form, timeout=10).status_code == 200

    (mail,) = mailbox.wait_for(1, timeout=30)
    assert mail["To"] == "admin@skalbar.example"
    path = re.search(r"http://127\.0\.0\.1:\d+(/reset/[\w.-]+)", mailbox.text(mail)).group(1)
    assert person.get(servers.b + path, timeout=10).status_code == 200
    assert person.get(servers.b + "/reset/not-a-token", timeout=10).status_code == 410


def test_a_logo_uploaded_through_one_server_is_served_by_the_other(servers):
    logo = f"{servers.b}/members/{servers.seeded['slug']}/logo"
    assert requests.get(logo, timeout=10).status_code == 404
    admin = browser("10.0.5.5")
    assert log_in(admin, servers.a, "admin@skalbar.example").status_code == 302

    form = {"csrf_token": csrf_token(admin, servers.a + "/organisation")}
    files = {"logo": ("logo.png", tiny_png(), "image/png")}
    answer = admin.post(servers.a + "/organisation/logo", data=form, files=files, allow_redirects=False, timeout=10)
    assert answer.status_code == 302

    served = requests.get(logo, timeout=10)
    assert served.status_code == 200 and served.content.startswith(b"\x89PNG")
    assert [path.name for path in (servers.uploads / "logos").iterdir()]
    assert not [path for instance in servers.instances for path in instance.rglob("*") if path.is_file()]
