"""The pages a person meets — sign-in and consent, activation, the API docs — in a real headless browser
(Debian's chromium, driven by Playwright; no browser is downloaded), against a real server process.

By keyboard alone, with a wrong password, after the page expired, on a phone-sized screen; no console errors
or Content-Security-Policy violations; /v1/docs renders with every request outside the server refused; and so
does the partner docs site (``make docs``), built here and served from its directory.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from sqlalchemy.orm import Session

from api.db import make_engine
from api.migrate import upgrade
from api.models import Patient
from api.services import accounts
from api.services.patients import create_invitation
from tests.concurrency.server import LiveServer, start_server
from tests.helpers import pkce_pair
from tests.world import REDIRECT, partner_with_portal

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("needs Debian's chromium (apt-get install chromium)", allow_module_level=True)


class World:
    server: LiveServer
    app_id: str
    email: str
    invitation_token: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    workdir = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{workdir / 'pages.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    made = World()
    with Session(engine, expire_on_commit=False) as session:
        partner, _ = partner_with_portal(session, "Browser partner")
        app, _ = accounts.create_client(
            session,
            accounts.system_principal(),
            partner,
            name="Care app",
            grant_type="authorization_code",
            scope="patients:read",
            redirect_uris=[REDIRECT],
            public=True,
        )
        patients = [
            Patient(
                partner_id=partner,
                given_name=name,
                family_name="Browser",
                birth_date=date(1980, 1, 1),
                sex_at_birth="female",
                email=f"{name.lower()}@example.test",
            )
            for name in ("Ines", "Noor")
        ]
        session.add_all(patients)
        session.flush()
        accounts.create_user(
            session,
            accounts.system_principal(),
            role="patient",
            email="ines@example.test",
            password=PASSWORD,
            patient_id=patients[0].id,
        )
        portal = accounts.system_principal()
        _, token = create_invitation(session, portal, patients[1].id, 3600)
        session.commit()
        made.app_id, made.email, made.invitation_token = app.id, "ines@example.test", token
    engine.dispose()
    made.server = start_server(url, workdir)
    yield made
    made.server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


class Tab:
    """A page whose console errors, page errors and CSP violations are collected, whose requests leave
    only for the server, and whose redirect to the app's callback is caught instead of followed."""

    def __init__(self, browser: Any, base: str, **options: Any) -> None:
        self.context = browser.new_context(**options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.callbacks: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # The redirect back to the app (a browser follows it without asking the route below).
        self.page.on(
            "request", lambda r: self.callbacks.append(r.url) if r.url.startswith(REDIRECT) else None
        )
        self.context.route("**/*", self._route)
        self.base = base

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(REDIRECT):
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>app</title>")
        elif url.startswith(self.base):
            route.continue_()
        else:  # offline: nothing but this server
            self.errors.append(f"request outside the server: {url}")
            route.abort()

    def close(self) -> None:
        self.context.close()


def authorize_url(world: World) -> tuple[str, str]:
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": world.app_id,
            "redirect_uri": REDIRECT,
            "scope": "patients:read",
            "state": "s1",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{world.server.base_url}/oauth/authorize?{query}", verifier


def test_signing_in_by_keyboard_alone_reaches_the_app_with_a_code(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url)
    url, verifier = authorize_url(world)
    tab.page.goto(url)

    tab.page.keyboard.press("Tab")  # the first field takes focus from the page
    assert tab.page.evaluate("document.activeElement.id") == "email"
    tab.page.keyboard.type(world.email)
    tab.page.keyboard.press("Tab")
    tab.page.keyboard.type(PASSWORD)
    tab.page.keyboard.press("Enter")  # submits with the default button: Allow
    tab.page.wait_for_timeout(500)

    assert len(tab.callbacks) == 1, (tab.callbacks, tab.page.url, tab.errors)
    back = parse_qs(urlsplit(tab.callbacks[0]).query)
    assert back["state"] == ["s1"] and "error" not in back
    exchanged = requests.post(
        f"{world.server.base_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": back["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": world.app_id,
            "code_verifier": verifier,
        },
        timeout=30,
    )
    assert exchanged.status_code == 200, exchanged.text
    assert tab.errors == []
    tab.close()


def test_a_wrong_password_says_so_and_keeps_the_email(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url)
    url, _ = authorize_url(world)
    tab.page.goto(url)
    tab.page.fill("#email", world.email)
    tab.page.fill("#password", "not-the-password")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector("[role=alert]")

    assert "Wrong email or password" in tab.page.inner_text("[role=alert]")
    assert tab.page.input_value("#email") == world.email and tab.page.input_value("#password") == ""
    assert tab.callbacks == []
    assert [e for e in tab.errors if "401" not in e] == []  # the page itself answers 401; nothing else failed
    tab.close()


def test_an_expired_page_asks_to_start_again(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url)
    url, _ = authorize_url(world)
    tab.page.goto(url)
    tab.context.clear_cookies()  # the sign-in session the form belongs to is gone
    tab.page.fill("#email", world.email)
    tab.page.fill("#password", PASSWORD)
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector("h1")

    assert "expired" in tab.page.inner_text("h1").lower() and tab.callbacks == []
    tab.close()


def test_the_pages_read_on_a_phone(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url, viewport={"width": 360, "height": 640}, is_mobile=True)
    url, _ = authorize_url(world)
    for address in (url, f"{world.server.base_url}/activate?token={world.invitation_token}"):
        tab.page.goto(address)
        overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{address}: {overflow}px wider than the screen"
        for field in tab.page.query_selector_all("input:not([type=hidden]), button"):
            box = field.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
            assert box["height"] >= 32, "touch targets at least 32 px high"
        size = tab.page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('input#password')).fontSize)"
        )
        assert size >= 16, "inputs under 16 px make phones zoom in"
    assert tab.errors == []
    tab.close()


def test_activation_by_keyboard_sets_the_password(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url)
    tab.page.goto(f"{world.server.base_url}/activate?token={world.invitation_token}")
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.id") == "password"
    tab.page.keyboard.type("a-new-long-password-1")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_selector("h1")

    assert "ready" in tab.page.inner_text("h1").lower()
    assert tab.errors == []
    tab.close()


def test_the_api_docs_render_offline(browser: Any, world: World) -> None:
    tab = Tab(browser, world.server.base_url)
    tab.page.goto(f"{world.server.base_url}/v1/docs")
    tab.page.wait_for_selector("text=Create a patient", timeout=20_000)

    assert tab.page.locator(".opblock").count() > 40  # every operation listed
    assert tab.errors == [], tab.errors
    tab.close()


def test_nothing_on_the_sign_in_page_is_cached_or_framed(world: World) -> None:
    url, _ = authorize_url(world)
    page = requests.get(url, timeout=30)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    assert re.search(r"default-src 'none'", policy) and "script-src" not in policy  # no script may run
    assert "form-action 'self' http://127.0.0.1:8765" in policy  # the form, and the app it returns to
    assert "<script" not in page.text


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The docs site as ``make docs`` builds it (strict), served from its directory on a free port."""
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("needs mkdocs (pyproject's dev extras: make install)")
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=True,
        timeout=300,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


@pytest.mark.parametrize(
    ("page", "shows"),
    [
        ("index.html", "the partner guide"),
        ("quickstart.html", "Get a token"),
        ("problems.html", "consent_required"),
        ("sdks/index.html", "Python, in 20 lines"),
        ("sdks/python.html", "telemedical-api-client"),
        ("webhooks.html", "The event catalogue"),
        ("reference.html", "API reference"),
    ],
)
def test_the_docs_site_renders_offline(browser: Any, docs_site: str, page: str, shows: str) -> None:
    tab = Tab(browser, docs_site)
    response = tab.page.goto(f"{docs_site}/{page}")
    assert response is not None and response.status == 200
    tab.page.wait_for_selector("article h1")
    assert shows in tab.page.inner_text("article")
    assert tab.page.locator("nav.md-nav a").count() > 10  # the site's navigation is there
    tab.page.wait_for_load_state("networkidle")
    assert tab.errors == [], tab.errors
    tab.close()


def test_the_docs_sites_api_reference_renders_the_spec_offline(browser: Any, docs_site: str) -> None:
    tab = Tab(browser, docs_site)
    tab.page.goto(f"{docs_site}/api-reference/index.html")
    tab.page.wait_for_selector("text=Create a patient", timeout=20_000)

    assert tab.page.locator(".opblock").count() > 40  # every operation listed
    assert tab.page.locator(".try-out").count() == 0  # a static site has no server to try
    tab.page.wait_for_load_state("networkidle")
    assert tab.errors == [], tab.errors
    tab.close()
