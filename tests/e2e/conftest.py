"""End-to-end fixtures: the app served by a real HTTP server, real Chromium
(Debian's, driven by Playwright), and the real procrastinate worker.

Never call `playwright install`: the browser is /usr/bin/chromium
(`make system-deps` installs it).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import free_port, run_jobs

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Settings the browser flows need while the module runs; restored afterwards.
_UNSET = object()


@dataclass
class LiveServer:
    port: int

    @property
    def platform_url(self) -> str:
        return f"http://localhost:{self.port}"

    def tenant_url(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.localhost:{self.port}{path}"


@pytest.fixture(scope="module")
def live_server(app) -> Iterator[LiveServer]:
    """Serve the session ``app`` over HTTP on 127.0.0.1:<free port>, with CSRF
    on and links that carry the port; put the configuration back afterwards."""
    from werkzeug.serving import make_server

    from app.jobs.queue import configure_queue

    port = free_port()
    overrides = {
        "PLATFORM_URL": f"http://localhost:{port}",
        "PLATFORM_DOMAIN": "localhost",
        "PLATFORM_PORT": port,
        "WTF_CSRF_ENABLED": True,
    }
    previous = {key: app.config.get(key, _UNSET) for key in overrides}
    app.config.update(overrides)
    # Jobs run inside the app the queue remembers: make sure it is this one,
    # whatever other tests built since.
    configure_queue(app)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    try:
        yield LiveServer(port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        for key, value in previous.items():
            if value is _UNSET:
                app.config.pop(key, None)
            else:
                app.config[key] = value


@pytest.fixture
def worker(app):
    """Run the queued jobs with the real procrastinate worker, in a thread of
    its own (Playwright's sync API owns an event loop in the main thread)."""

    def run(timeout: float = 60) -> None:
        failure: list[BaseException] = []

        def target() -> None:
            try:
                run_jobs(app)
            except BaseException as exc:  # reported in the test's thread
                failure.append(exc)

        thread = threading.Thread(target=target, name="e2e-jobs")
        thread.start()
        thread.join(timeout)
        assert not thread.is_alive(), "the job worker did not finish"
        if failure:
            raise failure[0]

    return run


@pytest.fixture(scope="package")
def browser():
    """Chromium for the e2e tests only. Package scope, not session: while
    Playwright's sync API is open, the main thread has a running asyncio loop,
    and any later test calling ``asyncio.run`` (the job worker) would fail."""
    from playwright.sync_api import sync_playwright

    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the browser while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if "Content Security Policy" in text]

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # The browser asks for /favicon.ico on its own; the app has none (yet).
        if url.endswith("/favicon.ico"):
            return
        self.console_errors.append(f"{message.text} ({url})" if url else message.text)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", lambda response: response.status >= 400
                and self.http_errors.append(f"{response.status} {response.request.method} {response.url}"))
        page.on("requestfailed", self._on_failed)

    def _on_failed(self, request) -> None:
        # Leaving a page cancels the requests it still had running (a section
        # loaded by htmx): the browser aborted them, the app did not fail.
        if request.failure == "net::ERR_ABORTED":
            return
        self.http_errors.append(f"failed {request.method} {request.url}: {request.failure}")


@pytest.fixture
def open_page(browser):
    """``open_page()`` -> (page, problems): a page in a fresh browser context
    (its own cookies), watched for console errors, CSP violations and HTTP
    errors."""
    contexts = []

    def open_() -> tuple:
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 860})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        problems.watch(page)
        return page, problems

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where screenshots go: ``$E2E_SCREENSHOTS`` if set, else the test's tmp dir."""
    target = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target
