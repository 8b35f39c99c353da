"""Browser tests: a real `corral serve` on a fresh demo database, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from api.storage.settings import Settings
from bench.servers import Service, Setting, corral_env, free_port, running

ROOT = Path(__file__).resolve().parents[2]
CORRAL = ROOT / ".venv" / "bin" / "corral"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "corral-demo-password"
DEMO_TODAY = date(2015, 1, 20)  # the Makefile's CORRAL_TODAY for `make run`


@dataclass(frozen=True)
class Server:
    url: str
    folder: Path


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`corral demo` run once; every server starts from a copy of the database it made."""
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "CORRAL_DATABASE_URL": f"sqlite:///{folder / 'corral.sqlite3'}"}
    env["CORRAL_ATTACHMENTS_DIR"] = str(folder / "attachments")
    subprocess.run([str(CORRAL), "demo"], env=env, cwd=folder, check=True, capture_output=True)
    return folder / "corral.sqlite3"


@contextmanager
def _serving(demo: Path, folder: Path, **values: Setting) -> Iterator[Server]:
    """`corral serve` on a free port over a copy of the demo database in `folder`, stopped on leaving; `values` are
    further settings (as for `corral_env`)."""
    shutil.copyfile(demo, folder / "corral.sqlite3")
    shutil.copytree(demo.parent / "attachments", folder / "attachments")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=f"sqlite:///{folder / 'corral.sqlite3'}")
    env = corral_env(settings, attachments_dir=folder / "attachments", allowed_origins=[url], public_url=url, **values)
    command = [str(CORRAL), "serve", "--host", "127.0.0.1"]
    with running(Service(command, env, port=port, ready="/readyz", log=folder / "serve.log", cwd=folder)):
        yield Server(url, folder)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Server]:
    """The demo served for the whole session, for tests whose changes touch no one else's scheme-quarter."""
    with _serving(demo_database, tmp_path_factory.mktemp("browser-server")) as served:
        yield served


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Server]:
    """The demo served for one test alone, as the demo left it: for a test that moves a shared scheme-quarter on."""
    with _serving(demo_database, tmp_path_factory.mktemp("fresh-server")) as served:
        yield served


@pytest.fixture
def demo_year_server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Server]:
    """The demo served for one test alone, as at a day inside its own year (`make run`'s): Q2 overdue, Q3 due soon."""
    with _serving(demo_database, tmp_path_factory.mktemp("demo-year-server"), today=DEMO_TODAY) as served:
        yield served


@pytest.fixture
def site(server: Server) -> Server:
    """The server `sign_in` opens pages on: the session's; a module whose tests each need their own overrides it."""
    return server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; missing, the tests fail (make test installs it), they never skip."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


OpenContext = Callable[..., BrowserContext]
# What Chromium logs as an error that is no script's: an answer's status (which the tests check themselves) and a
# websocket the network took away (which the live pages recover from).
NOT_SCRIPT_ERRORS = ("Failed to load resource", "WebSocket connection to")


@pytest.fixture
def open_context(browser: Browser) -> Iterator[OpenContext]:
    """Browser contexts for one test, closed after it; an uncaught script error or a console error on any of their
    pages fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(NOT_SCRIPT_ERRORS):
            errors.append(f"console error at {message.page.url if message.page else '?'}: {message.text}")

    def opened(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.on(
            "weberror", lambda error: errors.append(f"page error at {error.page and error.page.url}: {error.error}")
        )
        context.on("console", console)
        contexts.append(context)
        return context

    yield opened
    for context in contexts:
        context.close()
    assert not errors, "script errors: " + "; ".join(errors)


SignIn = Callable[..., Page]


@pytest.fixture
def sign_in(open_context: OpenContext, site: Server) -> SignIn:
    """A page in a browser context of its own, signed in as the user named."""

    def signed_in(username: str, width: int = 1280, height: int = 900) -> Page:
        context = open_context(base_url=site.url, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto("/sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in" not in url)
        return page

    return signed_in


axe = Axe()


def check(page: Page, name: str) -> None:
    """Save a screenshot of the page and fail on any accessibility violation axe-core finds, whatever its impact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = axe.run(page).response["violations"]
    details = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in violations]
    assert not violations, f"{name} at {page.url}: " + "; ".join(details)


def no_sideways_scrolling(page: Page, address: str) -> None:
    """Once the browser has arrived at `address` (a glob such as "**/terms") and laid the page out, the page is no
    wider than the screen. Waiting first matters: measured mid-navigation there is no document to measure."""
    page.wait_for_url(address)
    page.wait_for_load_state("load")
    overflow = page.locator("html").evaluate("html => html.scrollWidth - html.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"
