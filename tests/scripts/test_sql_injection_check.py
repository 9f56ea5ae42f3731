"""The verdict `make check` draws from a sqlmap output folder, and what it scans, without running sqlmap.

The samples in sqlmap_samples/ are real sqlmap 1.10.10 output folders (console kept as sqlmap.out, paths
shortened): `injectable` from a throwaway WSGI app that formats its query with the parameter; `clean` from this
app's /members filter; `dismissed` from this app's /map filters (candidates on a page whose markup changes per
request, each dismissed by sqlmap's own false-positive check); `refused` from a port nothing listened on;
`server_error` from a page that always answers 500."""

import shutil
from pathlib import Path

import pytest

from scripts import sql_injection_check as check

SAMPLES = Path(__file__).parent / "sqlmap_samples"


@pytest.fixture
def sample(tmp_path):
    def copy(name: str) -> Path:
        return Path(shutil.copytree(SAMPLES / name, tmp_path / name))

    return copy


def test_an_injectable_parameter_fails(sample):
    outcome = check.read_output(sample("injectable"))
    assert outcome.verdict == "injectable"
    assert not outcome.passed
    assert "Parameter: id (GET)" in outcome.evidence


def test_the_log_alone_is_enough_to_fail(sample):
    folder = sample("injectable")
    (folder / "sqlmap.out").write_text((SAMPLES / "clean" / "sqlmap.out").read_text())
    assert check.read_output(folder).verdict == "injectable"


def test_a_clean_scan_passes(sample):
    outcome = check.read_output(sample("clean"))
    assert outcome.verdict == "clean"
    assert outcome.passed
    assert outcome.evidence == []


def test_candidates_sqlmap_dismisses_as_false_positives_pass_and_are_listed(sample):
    outcome = check.read_output(sample("dismissed"))
    assert outcome.verdict == "clean"
    dismissed = [line for line in outcome.warnings if line.startswith("dismissed by sqlmap as a false positive")]
    assert len(dismissed) == 4
    assert "GET parameter 'sector'" in dismissed[-1]


def test_a_candidate_left_standing_fails(sample):
    folder = sample("dismissed")
    console = (folder / "sqlmap.out").read_text()
    (folder / "sqlmap.out").write_text(console.replace("GET parameter 'sector' does not seem to be injectable", ""))
    outcome = check.read_output(folder)
    assert outcome.verdict == "injectable"
    assert all("'sector'" in line for line in outcome.evidence)


def test_an_unreachable_target_fails(sample):
    outcome = check.read_output(sample("refused"))
    assert outcome.verdict == "unreachable"
    assert any("Connection refused" in line for line in outcome.evidence)


def test_server_errors_fail(sample):
    outcome = check.read_output(sample("server_error"))
    assert outcome.verdict == "unreachable"
    assert "HTTP 500 from the server 359 times" in outcome.evidence


def test_a_scan_cut_short_fails(sample):
    folder = sample("clean")
    console = (folder / "sqlmap.out").read_text()
    (folder / "sqlmap.out").write_text(console[: console.index(check.FINISHED_CLEAN)])
    assert check.read_output(folder).verdict == "incomplete"


def test_no_output_at_all_fails(tmp_path):
    assert check.read_output(tmp_path / "never-made").verdict == "incomplete"
    (tmp_path / "sqlmap.out").write_text("")
    assert check.read_output(tmp_path).verdict == "incomplete"


def test_a_candidate_sqlmap_does_not_dismiss_fails(sample):
    folder = sample("clean")
    line = "heuristic (basic) test shows that GET parameter 'sort' might be injectable (possible DBMS: 'SQLite')"
    with (folder / "sqlmap.out").open("a") as console:
        console.write(f"[15:08:35] [INFO] {line}\n")
    outcome = check.read_output(folder)
    assert outcome.verdict == "injectable"
    assert any(line in entry for entry in outcome.evidence)


def test_an_xss_hint_is_a_warning_not_a_failure(sample):
    folder = sample("clean")
    line = "heuristic (XSS) test shows that GET parameter 'q' might be vulnerable to cross-site scripting (XSS) attacks"
    with (folder / "sqlmap.out").open("a") as console:
        console.write(f"[15:08:35] [INFO] {line}\n")
    outcome = check.read_output(folder)
    assert outcome.passed
    assert any(line in warning for warning in outcome.warnings)


@pytest.mark.parametrize(
    "url",
    ["http://example.org/members?q=a", "https://127.0.0.1/members", "http://127.0.0.2:5000/", "http://localhost/"],
)
def test_only_127_0_0_1_is_scanned(url):
    with pytest.raises(SystemExit, match="refused"):
        check.local_only(url)
    assert check.local_only("http://127.0.0.1:5000/members") == "http://127.0.0.1:5000/members"


def test_the_sqlmap_command_is_bounded_and_names_its_parameters(tmp_path):
    target = check.Target(
        "anonymous POST auth.login",
        "http://127.0.0.1:5000/login",
        {"email": "a@b.se", "password": "x"},
        method="POST",
        data="csrf_token=t&email=a%40b.se&password=x",
        csrf_token="csrf_token",
        csrf_url="http://127.0.0.1:5000/login",
    )
    command = target.command(tmp_path, "SQLite")
    for option in ("--batch", "--level=2", "--risk=1", "--timeout=10", "--retries=1", "--time-sec=2", "--dbms=SQLite"):
        assert option in command
    assert "-pemail,password" in command
    assert "--csrf-token=csrf_token" in command
    assert target.seconds == check.TARGET_SECONDS + 2 * check.PARAMETER_SECONDS


def test_forms_are_read_with_plausible_base_values():
    page = check.parse(
        """<form method="get"><input name="q"><select name="status"><option value="">All</option>
        <option value="active">Active</option></select></form>
        <form method="post" action="/join"><input type="hidden" name="csrf_token" value="tok">
        <input name="org_number"><input type="email" name="contact_email"><input type="number" name="employees" min="0">
        <select name="municipality"><option value="0">Choose</option><option value="3">Botkyrka</option></select>
        <input type="file" name="logo"><input type="submit" name="save" value="Save"></form>
        <a href="/network?sort=name&amp;page=2">next</a>"""
    )
    search, join = page.forms
    assert check.form_values(search) == {"q": "a", "status": "active"}
    assert check.form_values(join) == {
        "csrf_token": "tok",
        "org_number": "556036-0793",
        "contact_email": "sqlcheck@example.org",
        "employees": "12",
        "municipality": "3",
    }
    assert page.links == ["/network?sort=name&page=2"]


def test_api_targets_come_from_the_spec_query_parameters():
    spec = {
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": {"Status": {"enum": ["active", "done"]}}},
        "paths": {
            "/commitments": {
                "get": {
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1}},
                    ]
                }
            },
            "/commitments/{commitment_id}": {"get": {"parameters": [{"name": "commitment_id", "in": "path"}]}},
            "/travel": {"get": {}},
        },
    }
    (target,) = check.api_targets("http://127.0.0.1:5000", spec)
    assert target.params == {"q": "a", "status": "active", "page": "1"}
    assert target.url == "http://127.0.0.1:5000/api/v1/commitments?q=a&status=active&page=1"


def test_server_errors_are_read_from_the_request_log(tmp_path):
    log = tmp_path / "server.log"
    log.write_text(
        '127.0.0.1 - - [02/Dec/2026 15:08:35] "GET /members?q=a HTTP/1.1" 200 -\n'
        '127.0.0.1 - - [02/Dec/2026 15:08:36] "\x1b[35m\x1b[1mGET /members?q=a%27 HTTP/1.1\x1b[0m" 500 -\n'
    )
    assert check.server_errors(log) == ["500 GET /members?q=a%27"]
