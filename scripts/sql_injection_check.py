"""`make check`: sqlmap against every public filter and form of a live CoAction server; fails on anything injectable.

Starts the app on 127.0.0.1 (a free port) on a fresh temporary database, migrated and loaded with the demo data,
with rate limits lifted; derives the targets from the app itself (the GET routes of its URL map, the forms and
links their pages render, the query parameters its views read, the API's OpenAPI document, a travel survey's
form, and an organisation admin's own pages); runs sqlmap `--batch --level 2 --risk 1` on each, bounded; reads
each sqlmap output folder and fails when sqlmap reports anything injectable, when a target could not be reached
or a scan did not finish, and when the server answered 5xx to anything.

    .venv/bin/python scripts/sql_injection_check.py [--postgresql URL] [--only TEXT] [--roles anonymous,org_admin]
"""

from __future__ import annotations

import argparse
import html.parser
import http.cookiejar
import inspect
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SQLMAP_OPTIONS = (
    "--batch",
    "--level=2",
    "--risk=1",
    "--timeout=10",
    "--retries=1",
    "--time-sec=2",
    "--skip-waf",
    "--flush-session",
    "--disable-coloring",
)
# Wall-clock bound of one sqlmap run: a base plus so much per parameter tested.
TARGET_SECONDS, PARAMETER_SECONDS = 120, 45
# The language switch is on every page and read before any view (coaction/i18n.py): tested once, on "/".
SITE_WIDE = {"lang"}
# Forms whose submission would end or change the scanning account itself, or destroy what later targets need.
UNSAFE_ENDPOINT = re.compile(r"logout|delete|remove|revoke|deactivat|password|email|leave|withdraw|cancel")
SAMPLE = {"email": "sqlcheck@example.org", "password": "Sqlcheck-Passw0rd-2026", "url": "https://example.org"}
# Fields whose format a plausible value cannot guess (the example is the one the join form itself gives).
SAMPLE_BY_NAME = {"org_number": "556036-0793"}
PLACEHOLDERS = ("", "0")  # a select's "choose one" option
SAMPLE_DATE = date(2026, 1, 15).isoformat()
CSRF_FIELD = "csrf_token"  # noqa: S105 (Flask-WTF's field name, not a secret)
NONCE = re.compile(r'nonce="[^"]*"')
# How templates/macros/forms.html marks a field in error, and the values tried in turn for such a field.
FIELD_ERROR = re.compile(r'<p class="field-error" id="([\w-]+)-error">')
RETRY_VALUES = ("", "12", SAMPLE_DATE, "09:00", "test")
ARG_LITERAL = re.compile(r"request\.(?:args|values)\.get\(\s*[\"'](\w+)[\"']")


# --- Reading sqlmap's output folder -------------------------------------------------------------------------


@dataclass
class Outcome:
    verdict: str  # "clean", "injectable", "unreachable", "incomplete"
    evidence: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.verdict == "clean"


# sqlmap's own words, per parameter: a candidate (heuristic or a technique's first positive) stands unless sqlmap
# later says the parameter "does not seem to be injectable" (it checks candidates for false positives itself).
CANDIDATE = re.compile(r"parameter '([^']+)' (?:appears to be '.*' injectable|might be injectable|is '.*' injectable)")
CONFIRMED = re.compile(r"parameter '([^']+)' is vulnerable|identified the following injection point|^Parameter: ")
DISMISSED = re.compile(r"parameter '([^']+)' does not seem to be injectable")
UNREACHABLE = re.compile(
    r"unable to connect|connection refused|connection timed out|continuous problem with connection|"
    r"page not found|no parameter\(s\) found|not present within|host .* does not exist|connection reset",
    re.IGNORECASE,
)
SERVER_ERROR = re.compile(r"^\s*(5\d\d) \(.*\) - (\d+) times", re.MULTILINE)
# Reported, but not SQL injection and not failing this check: sqlmap's heuristic XSS, file-inclusion, NoSQL probes.
OTHER_HEURISTIC = re.compile(r"heuristic \((?:XSS|FI|NoSQL)\) test shows")
FINISHED_CLEAN = "all tested parameters do not appear to be injectable"
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\(B|[=>])")


def read_output(folder: Path) -> Outcome:
    """The verdict of one sqlmap run from its output folder: `sqlmap.out` (its console, kept by this script) and
    the per-host `log` (the injection points it identified) and `target.txt` (what it was asked to scan)."""
    console_path = folder / "sqlmap.out"
    host_folders = [path for path in folder.iterdir() if path.is_dir()] if folder.is_dir() else []
    if not console_path.is_file() or not any((path / "target.txt").is_file() for path in host_folders):
        return Outcome("incomplete", ["sqlmap did not start a scan (no console output or no target.txt)"])
    console = [line.strip() for line in ANSI.sub("", console_path.read_text(errors="replace")).splitlines()]
    log = "".join((path / "log").read_text(errors="replace") for path in host_folders if (path / "log").is_file())
    warnings = [line for line in console if OTHER_HEURISTIC.search(line)]
    candidates: dict[str, list[str]] = {}
    confirmed = []
    for line in console:
        if CONFIRMED.search(line):
            confirmed.append(line)
        elif match := CANDIDATE.search(line):
            candidates.setdefault(match[1], []).append(line)
        elif (match := DISMISSED.search(line)) and match[1] in candidates:
            warnings += [f"dismissed by sqlmap as a false positive: {entry}" for entry in candidates.pop(match[1])]
    standing = [line for lines in candidates.values() for line in lines]
    if log.strip() or confirmed or standing:
        return Outcome("injectable", [*log.strip().splitlines(), *confirmed, *standing], warnings)
    unreachable = [line for line in console if UNREACHABLE.search(line)]
    unreachable += [
        f"HTTP {code} from the server {times} times" for code, times in SERVER_ERROR.findall("\n".join(console))
    ]
    if unreachable:
        return Outcome("unreachable", list(dict.fromkeys(unreachable)), warnings)
    if FINISHED_CLEAN not in "\n".join(console):
        return Outcome("incomplete", ["sqlmap did not report that it finished testing", *console[-3:]], warnings)
    return Outcome("clean", [], warnings)


# --- Targets -------------------------------------------------------------------------------------------------


@dataclass
class Target:
    name: str  # what the summary calls it: role, method, endpoint
    url: str
    params: dict[str, str]  # the parameters to test, with the values sent as the base request
    method: str = "GET"
    data: str | None = None
    csrf_token: str | None = None  # the form field holding Flask-WTF's CSRF token
    csrf_url: str | None = None  # the page whose form holds it
    cookie: str | None = None
    path_marker: bool = False  # the URL holds sqlmap's `*` marker: the path value is the parameter
    text_only: bool = False  # the page changes from one request to the next: sqlmap compares its text only
    note: str = ""

    def command(self, output: Path, dbms: str) -> list[str]:
        command = [str(BIN / "sqlmap"), "-u", self.url, *SQLMAP_OPTIONS, f"--dbms={dbms}", f"--output-dir={output}"]
        if not self.path_marker:
            command.append("-p" + ",".join(self.params))
        if self.data is not None:
            command.append("--data=" + self.data)
        if self.csrf_token:
            command += ["--csrf-token=" + self.csrf_token, "--csrf-url=" + self.csrf_url]
        if self.method == "POST":
            # An accepted form redirects to a page that grows with every submission: compare the answers themselves.
            command.append("--ignore-redirects")
        if self.cookie:
            command.append("--cookie=" + self.cookie)
        if self.text_only:
            command.append("--text-only")
        return command

    @property
    def cost(self) -> int:
        return len(self.params) * (3 if self.method == "POST" else 1)

    @property
    def seconds(self) -> int:
        return TARGET_SECONDS + PARAMETER_SECONDS * max(1, len(self.params))


def local_only(url: str) -> str:
    """Every URL this script fetches or hands to sqlmap; anything but http://127.0.0.1 is refused."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname != HOST:
        raise SystemExit(f"refused: {url} is not on http://{HOST} (this check scans the local server only)")
    return url


@dataclass
class Form:
    method: str
    action: str | None
    enctype: str
    fields: list[dict] = field(default_factory=list)


class PageParser(html.parser.HTMLParser):
    """The forms (with their fields and options) and the links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            method = attributes.get("method", "get").upper()
            self.forms.append(Form(method, attributes.get("action"), attributes.get("enctype", "")))
        elif tag in ("input", "select", "textarea") and self.forms and attributes.get("name"):
            entry = {"tag": tag, "options": [], **attributes}
            self.forms[-1].fields.append(entry)
            self._select = entry if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attributes.get("value", ""), "selected" in attributes))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def sample_value(entry: dict, searching: bool) -> str:
    """A base value sqlmap starts from: the field's own, a chosen option, or a plausible one for its type."""
    kind = entry.get("type", "text").lower()
    if entry["tag"] == "select":
        chosen = [value for value, selected in entry["options"] if selected and value not in PLACEHOLDERS]
        offered = [value for value, _selected in entry["options"] if value not in PLACEHOLDERS]
        return (chosen or offered or [value for value, _selected in entry["options"]] or [""])[0]
    if entry["name"] in SAMPLE_BY_NAME:
        return SAMPLE_BY_NAME[entry["name"]]
    if entry.get("value"):
        return entry["value"]
    if kind == "checkbox":
        return "y"
    if kind == "number" or entry.get("inputmode") in ("numeric", "decimal"):
        return "12" if float(entry.get("min") or 0) <= 12 <= float(entry.get("max") or 12) else entry["min"]
    if kind == "date":
        return SAMPLE_DATE
    if kind == "time":
        return "09:00"
    # A search matches much with one common letter, so that a true condition and a false one differ.
    return SAMPLE.get(kind) or ("a" if searching else "test")


def form_values(form: Form) -> dict[str, str]:
    values: dict[str, str] = {}
    for entry in form.fields:
        if entry.get("type", "").lower() in ("submit", "button", "file", "reset", "image"):
            continue
        if entry.get("type", "").lower() in ("radio", "checkbox") and entry["name"] in values:
            continue
        values[entry["name"]] = sample_value(entry, searching=form.method == "GET")
    return values


class Browser:
    """Fetches pages of the local server, keeping its own cookies (anonymous, or one signed-in account)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def fetch(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, content type, text); a redirect elsewhere (to /login, say) counts as 303, a local one only."""
        url = local_only(urllib.parse.urljoin(self.base, path))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
                moved = urllib.parse.urlsplit(local_only(response.url)).path != urllib.parse.urlsplit(url).path
                text = response.read().decode(errors="replace")
                return (303 if moved else response.status), response.headers.get_content_type(), text
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read().decode(errors="replace")

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def sign_in(self, email: str, password: str) -> None:
        status, _kind, text = self.fetch("/login")
        token = next(
            entry["value"] for form in parse(text).forms for entry in form.fields if entry["name"] == "csrf_token"
        )
        status, _kind, text = self.fetch("/login", {"csrf_token": token, "email": email, "password": password})
        if not self.signed_in():
            raise SystemExit(f"could not sign in as {email} (HTTP {status})")

    def signed_in(self) -> bool:
        status, _kind, text = self.fetch("/account")
        return status == 200 and 'action="/login"' not in text


def parse(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    return parser


class Discovery:
    """Targets from the app itself: its URL map and views, the pages they render for one role, the API spec."""

    def __init__(self, app, browser: Browser, role: str, cookie: str | None = None):
        self.app, self.browser, self.role, self.cookie = app, browser, role, cookie
        self.adapter = app.url_map.bind(HOST)
        self.get_params: dict[str, tuple[str, dict[str, str]]] = {}  # endpoint -> (path, params)
        self.posts: dict[str, Target] = {}
        self.path_targets: dict[str, Target] = {}
        self.skipped: dict[str, str] = {}  # endpoint -> why its form is not scanned
        self.seen_pages: set[str] = set()
        self.token_page: tuple[int, str] | None = None  # (length, path) of the lightest page with a plain token

    def endpoint(self, path: str, method: str = "GET") -> tuple[str, dict] | None:
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        parts = urllib.parse.urlsplit(urllib.parse.urljoin(self.browser.base, path))
        if parts.hostname != HOST or parts.path.startswith(("/static", "/api")):
            return None
        try:
            return self.adapter.match(parts.path, method=method)
        except (HTTPException, RequestRedirect):
            return None

    def add_get(self, endpoint: str, path: str, params: dict[str, str]) -> None:
        known_path, known = self.get_params.setdefault(endpoint, (path, {}))
        for name, value in params.items():
            known.setdefault(name, value)

    def visit(self, path: str) -> bool:
        """Reads a page's forms and links; False when it is not an HTML page this role may see."""
        matched = self.endpoint(path)
        if matched is None or path in self.seen_pages:
            return False
        self.seen_pages.add(path)
        endpoint, arguments = matched
        status, kind, text = self.browser.fetch(path)
        if status != 200:
            return False
        self.add_get(endpoint, path, dict.fromkeys(self.view_arguments(endpoint), "1"))
        self.add_path_target(endpoint, path, arguments)
        if kind != "text/html":
            return True
        if f'name="{CSRF_FIELD}"' in text and (self.token_page is None or len(text) < self.token_page[0]):
            self.token_page = (len(text), path)
        page = parse(text)
        for form in page.forms:
            self.add_form(path, form)
        self.add_links(path, page.links)
        return True

    def view_arguments(self, endpoint: str) -> list[str]:
        """The query parameters a view reads by name (`request.args.get("page")`)."""
        try:
            source = inspect.getsource(inspect.unwrap(self.app.view_functions[endpoint]))
        except (OSError, TypeError):
            return []
        return [name for name in dict.fromkeys(ARG_LITERAL.findall(source)) if name not in SITE_WIDE]

    def add_path_target(self, endpoint: str, path: str, arguments: dict) -> None:
        """A string in the path (a slug, a token) is looked up in the database: sqlmap tests it with its marker.
        Integer converters answer 404 to anything but ASCII digits before a view runs, so they are left out."""
        rule = next(rule for rule in self.app.url_map.iter_rules(endpoint) if set(rule.arguments) == set(arguments))
        strings = [
            name for name, converter in rule._converters.items() if type(converter).__name__ == "UnicodeConverter"
        ]
        if not strings or endpoint in self.path_targets:
            return
        marked = path
        for name in strings:
            quoted = urllib.parse.quote(str(arguments[name]))
            marked = marked.replace(quoted, quoted + "*", 1)
        self.path_targets[endpoint] = Target(
            f"{self.role} GET {endpoint} <{'>, <'.join(strings)}>",
            self.browser.base + marked,
            {name: str(arguments[name]) for name in strings},
            cookie=self.cookie,
            path_marker=True,
        )

    def add_links(self, page: str, links: list[str]) -> None:
        for link in links:
            absolute = urllib.parse.urljoin(self.browser.base + page, link)
            matched = self.endpoint(absolute)
            if matched is None:
                continue
            parts = urllib.parse.urlsplit(absolute)
            query = {name: value for name, value in urllib.parse.parse_qsl(parts.query) if name not in SITE_WIDE}
            self.add_get(matched[0], parts.path, query)

    def add_form(self, page: str, form: Form) -> None:
        action = urllib.parse.urljoin(self.browser.base + page, form.action or page)
        matched = self.endpoint(action, form.method)
        if matched is None:
            self.skipped[action] = f"{form.method} {action} (on {page}): not a route of this app"
            return
        endpoint = matched[0]
        values = form_values(form)
        if form.method == "GET":
            self.add_get(endpoint, urllib.parse.urlsplit(action).path, values)
            # The filtered page's own links carry the filters on to their feeds and downloads.
            query = urllib.parse.urlencode(values)
            status, kind, text = self.browser.fetch(urllib.parse.urlsplit(action).path + "?" + query)
            if status == 200 and kind == "text/html":
                self.add_links(page, parse(text).links)
            return
        if endpoint in self.posts or endpoint in self.skipped:
            return
        # Flask-WTF names the token csrf_token, or <prefix>-csrf_token when a page holds several forms of a kind.
        token = next((name for name in values if name.endswith("csrf_token")), None)
        params = {name: value for name, value in values.items() if name != token}
        # A file upload form's other fields are sent form-encoded: Flask reads them the same, with no file.
        reason = (
            "would end or change the scanning account"
            if UNSAFE_ENDPOINT.search(endpoint)
            else None
            if params
            else "no field but the CSRF token (or a file)"
        )
        if reason:
            self.skipped[endpoint] = f"POST {endpoint} (on {page}): {reason}"
            return
        base_status = self.accepted_values(action, values)
        if token and f'name="{token}"' not in self.browser.fetch(page)[2]:
            self.skipped[endpoint] = (
                f"POST {endpoint} (on {page}): gone once submitted (sqlmap cannot fetch its token again)"
            )
            return
        self.posts[endpoint] = Target(
            f"{self.role} POST {endpoint}",
            action,
            params,
            method="POST",
            data=urllib.parse.urlencode(values),
            csrf_token=token,
            csrf_url=self.browser.base + page,  # a plain token is taken from the lightest page in targets()
            cookie=self.cookie,
            note="base request accepted" if base_status < 400 else f"base request refused (HTTP {base_status})",
        )

    def dynamic(self, url: str) -> bool:
        """Whether a page differs between two requests beyond its CSP nonce (a map's generated element ids do);
        sqlmap's markup comparison then sees "injectable" differences it has to dismiss, slowly."""
        first, second = (NONCE.sub("", self.browser.fetch(url)[2]) for _ in range(2))
        return first != second

    def accepted_values(self, action: str, values: dict[str, str]) -> int:
        """Sends the form as filled in; while the page names fields in error, tries other plausible values for them,
        so that sqlmap's base request passes validation and its payloads reach the services. The last status."""
        for _attempt in range(len(RETRY_VALUES) + 1):
            status, _kind, text = self.browser.fetch(action, values)
            wrong = [name for name in FIELD_ERROR.findall(text) if name in values]
            if status < 400 or not wrong:
                return status
            for name in wrong:
                tried = RETRY_VALUES.index(values[name]) + 1 if values[name] in RETRY_VALUES else 0
                values[name] = RETRY_VALUES[tried % len(RETRY_VALUES)]
        return status

    def crawl(self, extra_pages: tuple[str, ...] = ()) -> None:
        """Every GET route without arguments, the extra pages, then one page of each route their links reach."""
        first = [rule.rule for rule in self.app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments]
        for path in sorted(first) + list(extra_pages):
            self.visit(path)
        reached = {
            matched[0]: path
            for path in sorted({path for path, _params in self.get_params.values()})
            if (matched := self.endpoint(path)) and matched[1]
        }
        for path in reached.values():
            self.visit(path)

    def targets(self, skip: set[str]) -> list[Target]:
        """GET targets with their parameters, then the path values, then the POST forms; `skip`: names done."""
        found = []
        for endpoint, (path, params) in sorted(self.get_params.items()):
            if params and path in self.seen_pages:
                url = self.browser.base + path + "?" + urllib.parse.urlencode(params)
                target = Target(f"{self.role} GET {endpoint}", url, params, cookie=self.cookie)
                if self.dynamic(url):
                    target.text_only, target.note = True, "its markup changes per request: compared on its text"
                found.append(target)
        # Flask-WTF's token is one per session: a plain one is fetched from the lightest page holding one.
        for target in self.posts.values():
            if target.csrf_token == CSRF_FIELD and self.token_page:
                target.csrf_url = self.browser.base + self.token_page[1]
        found += [*self.path_targets.values(), *self.posts.values()]
        return [target for target in found if target.name.split(" ", 1)[1] not in skip]


def api_targets(base: str, spec: dict) -> list[Target]:
    """One target per API list operation, testing each query parameter its OpenAPI document declares."""
    prefix = urllib.parse.urlsplit((spec.get("servers") or [{"url": "/api/v1"}])[0]["url"]).path.rstrip("/")
    schemas = spec.get("components", {}).get("schemas", {})
    targets = []
    for path, operations in sorted(spec["paths"].items()):
        operation = operations.get("get")
        if not operation or "{" in path:
            continue
        params = {}
        for parameter in [*operations.get("parameters", []), *operation.get("parameters", [])]:
            if parameter.get("in") == "query":
                schema = parameter.get("schema", {})
                schema = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
                params[parameter["name"]] = schema_sample(schema)
        if params:
            url = f"{base}{prefix}{path}?" + urllib.parse.urlencode(params)
            targets.append(Target(f"anonymous GET api {prefix}{path}", url, params))
    return targets


def schema_sample(schema: dict) -> str:
    if schema.get("enum"):
        return str(schema["enum"][0])
    if schema.get("default") not in (None, ""):
        return str(schema["default"])
    if schema.get("format") == "date":
        return SAMPLE_DATE
    if schema.get("type") == "integer":
        return str(schema.get("minimum", 1))
    return "a"


# --- The server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, instance: Path) -> dict[str, str]:
    """A development server of its own: this database, no Redis, no SMTP (mail stays in the outbox table)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COACTION_") and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    environment.update(
        COACTION_ENV="development",
        COACTION_DATABASE_URL=database_url,
        COACTION_INSTANCE_PATH=str(instance),
        COACTION_SECRET_KEY=secrets.token_hex(32),
        COACTION_RATELIMIT_ENABLED="0",
        # Thousands of submitted forms would each queue a recomputation of the network: not what is scanned here.
        COACTION_NETWORK_AUTO_REFRESH="0",
        NO_COLOR="1",
    )
    return environment


def flask(environment: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (fixed arguments, the venv's own flask)
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def live_server(environment: dict[str, str], log_path: Path) -> Iterator[str]:
    port = free_port()
    base = f"http://{HOST}:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 (fixed arguments, the venv's own flask)
            [str(BIN / "flask"), "--app", "wsgi", "run", "--host", HOST, "--port", str(port), "--no-reload"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(120):
                if server.poll() is not None:
                    raise SystemExit(f"the server stopped at start:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 (127.0.0.1)
                        break
                except OSError:
                    time.sleep(0.5)
            else:
                raise SystemExit("the server did not answer /healthz within a minute")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


SERVER_ERROR_LINE = re.compile(r'"(\w+) (\S+) HTTP/[\d.]+" (5\d\d) ')


def server_errors(log_path: Path) -> list[str]:
    """Every request the server answered 5xx, from its request log (the werkzeug format)."""
    text = ANSI.sub("", log_path.read_text(errors="replace"))
    return [f"{status} {method} {path[:160]}" for method, path, status in SERVER_ERROR_LINE.findall(text)]


@contextmanager
def temporary_database(postgresql: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, sqlmap's DBMS name) of a fresh database: SQLite in `folder`, or one made on `postgresql`."""
    if postgresql is None:
        yield f"sqlite:///{folder / 'coaction.sqlite3'}", "SQLite"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    from coaction.config import database_url

    server = make_url(database_url(postgresql))
    admin_url = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"coaction_sqlcheck_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False), "PostgreSQL"
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- The run -----------------------------------------------------------------------------------------------------


def demo_facts(app) -> tuple[str | None, str, str]:
    """(an open survey's token or None, an organisation admin's email, the first member's slug) from the database."""
    import sqlalchemy as sa

    from coaction.auth.models import Role, User
    from coaction.commitments.listing import local_today
    from coaction.extensions import db
    from coaction.members.models import MembershipStatus, Organisation
    from coaction.travel.models import TravelSurvey

    with app.app_context():
        today = local_today()
        token = db.session.scalar(
            sa.select(TravelSurvey.token)
            .where(TravelSurvey.opens_on <= today, TravelSurvey.closes_on >= today)
            .order_by(TravelSurvey.id)
        )
        admin = db.session.scalar(sa.select(User.email).where(User.role == Role.ORG_ADMIN).order_by(User.id))
        member = db.session.scalar(
            sa.select(Organisation.slug).where(Organisation.status == MembershipStatus.MEMBER).order_by(Organisation.id)
        )
        return token, admin, member


def scan(target: Target, folder: Path, dbms: str, browser: Browser | None) -> tuple[Outcome, float]:
    started = time.monotonic()
    folder.mkdir(parents=True)
    local_only(target.url)
    with (folder / "sqlmap.out").open("w") as console:
        try:
            subprocess.run(  # noqa: S603 (the venv's sqlmap; every URL checked to be on 127.0.0.1)
                target.command(folder, dbms),
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=target.seconds,
                cwd=folder,
                env={**os.environ, "TERM": "dumb"},
            )
        except subprocess.TimeoutExpired:
            return Outcome(
                "incomplete", [f"sqlmap ran over its bound of {target.seconds} s"]
            ), time.monotonic() - started
    outcome = read_output(folder)
    if browser is not None and outcome.passed and not browser.signed_in():
        outcome = Outcome("incomplete", ["the signed-in session ended during the scan: later pages were not reached"])
    return outcome, time.monotonic() - started


def run(args: argparse.Namespace) -> int:
    """SQLite, then PostgreSQL when given; 0 only when every pass is clean."""
    started = time.monotonic()
    output = Path(args.output).resolve()
    shutil.rmtree(output, ignore_errors=True)
    failed = False
    for backend in ["sqlite"] + (["postgresql"] if args.postgresql else []):
        failed |= run_pass(args, backend, output / backend) != 0
    minutes, rest = divmod(round(time.monotonic() - started), 60)
    verdict = "listed only, nothing scanned" if args.list else "FAIL" if failed else "PASS: nothing injectable"
    print(f"\nTotal time: {minutes} min {rest} s. {verdict}.")
    return 1 if failed else 0


def run_pass(args: argparse.Namespace, backend: str, output: Path) -> int:
    """One live server on a fresh database of `backend`, scanned; 0 when clean."""
    started = time.monotonic()
    output.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="coaction-sqlcheck-") as temporary:
        instance = Path(temporary)
        server_url = args.postgresql if backend == "postgresql" else None
        with temporary_database(server_url, instance) as (database_url, dbms):
            environment = server_environment(database_url, instance)
            print(f"\n=== {dbms}: a fresh database, migrated and loaded with the demo data")
            flask(environment, "db", "upgrade")
            flask(environment, "coaction", "demo")
            os.environ.update(environment)  # the same settings for the app this script reads its routes from
            from coaction import create_app

            app = create_app()
            token, admin_email, member_slug = demo_facts(app)
            if token is None:  # the demo data has no travel survey: make one for a member, as an organisation would
                flask(
                    environment, "coaction", "create-survey", member_slug, "--title", "SQL check", "--employees", "50"
                )
                token = demo_facts(app)[0]
            print(
                "Rate limits are LIFTED for this scan (COACTION_RATELIMIT_ENABLED=0): sqlmap sends thousands of"
                " requests; the network is not recomputed after each change (COACTION_NETWORK_AUTO_REFRESH=0)."
            )
            with live_server(environment, output / "server.log") as base:
                print(f"Server: {base} (log: {output / 'server.log'}); sqlmap output: {output}")
                targets, skipped = find_targets(app, base, args.roles, token, admin_email)
                if args.only:
                    targets = [target for target in targets if args.only in target.name or args.only in target.url]
                print_targets(targets, skipped)
                if args.list:
                    return 0
                print(f"Scanning, {args.jobs} at a time; each sqlmap run is bounded (its seconds in brackets).")

                def scan_one(number: int, target: Target) -> tuple[Target, Outcome, float]:
                    browser = None
                    if target.cookie:  # a session of its own per target: one scan cannot spoil the next
                        browser = Browser(base)
                        browser.sign_in(admin_email, demo_password())
                        target.cookie = browser.cookie_header()
                    outcome, seconds = scan(target, output / f"{number:03d}", dbms, browser)
                    with print_lock:
                        verdict = outcome.verdict.upper()
                        print(
                            f"  {number:3d}. {verdict:<11} {seconds:4.0f} s [{target.seconds}] {target.name}",
                            flush=True,
                        )
                        for line in outcome.evidence[:8]:
                            print(f"        {line}")
                    return target, outcome, seconds

                print_lock = threading.Lock()
                # The longest first (a form's every request also fetches its CSRF token), so the runs end together.
                order = sorted(enumerate(targets, 1), key=lambda pair: -pair[1].cost)
                with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                    results = list(pool.map(scan_one, *zip(*order, strict=True)))
            errors = server_errors(output / "server.log")
    return report(results, errors, time.monotonic() - started, dbms)


def demo_password() -> str:
    from coaction.seed.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def find_targets(app, base: str, roles: list[str], token: str, admin_email: str) -> tuple[list[Target], list[str]]:
    anonymous = Discovery(app, Browser(base), "anonymous")
    anonymous.crawl(extra_pages=(f"/survey/{token}",))
    anonymous.add_get("public.home", "/", dict.fromkeys(SITE_WIDE, "en"))
    targets = anonymous.targets(skip=set())
    status, _kind, text = anonymous.browser.fetch("/api/v1/openapi.json")
    if status != 200:
        raise SystemExit(f"/api/v1/openapi.json answered HTTP {status}")
    targets += api_targets(base, json.loads(text))
    skipped = list(anonymous.skipped.values())
    if "org_admin" in roles:
        browser = Browser(base)
        browser.sign_in(admin_email, demo_password())
        signed_in = Discovery(app, browser, "org_admin", cookie=browser.cookie_header())
        signed_in.crawl()
        done = {target.name.split(" ", 1)[1] for target in targets}
        targets += signed_in.targets(skip=done)
        skipped += [f"org_admin: {line}" for key, line in signed_in.skipped.items() if key not in anonymous.skipped]
    return targets, skipped


def print_targets(targets: list[Target], skipped: list[str]) -> None:
    print(f"\n{len(targets)} targets, {sum(len(target.params) for target in targets)} parameters:")
    for number, target in enumerate(targets, 1):
        note = f" [{target.note}]" if target.note else ""
        print(f"  {number:3d}. {target.name}: {', '.join(target.params)}{note}")
    if skipped:
        print("Not scanned:")
        for line in skipped:
            print(f"       {line}")
    print(flush=True)


def report(results: list[tuple[Target, Outcome, float]], errors: list[str], seconds: float, dbms: str) -> int:
    failed = [(target, outcome) for target, outcome, _seconds in results if not outcome.passed]
    print(f"\nSummary ({dbms}): {len(results)} targets, {len(results) - len(failed)} clean, {len(failed)} failed.")
    for target, outcome in failed:
        print(f"  {outcome.verdict.upper()}: {target.name} ({target.url})")
        for line in outcome.evidence:
            print(f"      {line}")
    for target, outcome, _seconds in results:
        for line in outcome.warnings:
            print(f"  note, {target.name}: {line}")
    if errors:
        print(f"  The server answered 5xx {len(errors)} times:")
        for line in errors[:20]:
            print(f"      {line}")
    minutes, rest = divmod(round(seconds), 60)
    verdict = "clean" if not failed and not errors and results else "FAIL"
    print(f"{dbms}: {verdict} ({minutes} min {rest} s).")
    return 0 if verdict == "clean" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql", metavar="URL", help="then again on a database made on this PostgreSQL server")
    parser.add_argument("--only", metavar="TEXT", help="scan only the targets whose name or URL holds TEXT")
    parser.add_argument("--list", action="store_true", help="list the targets, scan nothing")
    parser.add_argument("--jobs", type=int, default=2, help="sqlmap runs at a time (default 2)")
    parser.add_argument("--roles", default="anonymous,org_admin", help="anonymous, or anonymous,org_admin")
    parser.add_argument("--output", default=str(ROOT / "instance" / "sql-injection-check"), help="sqlmap's folders")
    args = parser.parse_args(argv)
    args.roles = args.roles.split(",")
    sys.path.insert(0, str(ROOT))  # the app this script reads its routes from
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
