"""Browser tests: Debian's Chromium driven by Playwright against a live server on 127.0.0.1.

Every page is guarded: any request that leaves 127.0.0.1 is blocked and fails the test."""

from __future__ import annotations

import shutil
import threading
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from coaction import create_app
from tests.conftest import app_config

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="session")
def live_server(database_url, _smtp_server):
    """The app served by a real threaded WSGI server on a free port, sending mail to the test SMTP server;
    tests write through their own `app`. The login limit is raised so that the journeys never meet it."""
    app = create_app(app_config(database_url, **_smtp_server.settings, LOGIN_RATE_LIMIT="200 per minute"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # links in mails lead back here
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, app):
    """Opens pages, each in a fresh browser context (its own cookies: another person); any request not to
    127.0.0.1 is blocked and fails the test."""
    contexts, outside = [], []

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def opened(**options):
        context = browser.new_context(**({"locale": "sv-SE"} | options))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.route("**/*", guard)
        page.base_url = live_server
        return page

    yield opened
    for context in contexts:
        context.close()
    assert outside == [], f"the page made requests off 127.0.0.1: {outside}"


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Fails with the list of WCAG 2.1 A/AA violations on the page as it is now."""

    def check(page):
        results = axe.run(page, options=WCAG_21_AA)
        summary = [
            f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
            for violation in results.response["violations"]
        ]
        assert results.violations_count == 0, f"axe found on {page.url}: {summary}"

    return check
