"""Shared by the browser tests: Debian's Chromium through Playwright, a local HTTP server, axe-core and vnu.

Where a tool is missing the tests skip and say which one; with CI=true they fail instead, so a
broken CI set-up can never pass by skipping.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PHONE = {"width": 360, "height": 740}


def missing(reason: str) -> None:
    """Skip the test on a developer's machine; fail it in CI, where every tool must be installed."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def require_chromium() -> None:
    """Chromium and Playwright's Python package, or a skip (a failure in CI) naming what to install."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("Playwright is not installed: pip install playwright (no browser download is needed)")
    if not CHROMIUM.is_file():
        missing(f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM=/path/to/chromium)")


def require_axe() -> str:
    """axe-core's script, or a skip (a failure in CI) saying to run npm ci."""
    if not AXE.is_file():
        missing(f"axe-core not found at {AXE.relative_to(PROJECT)}: run npm ci in the project folder")
    return AXE.read_text(encoding="utf-8")


def require_vnu() -> tuple[str, Path]:
    """The java program and the Nu HTML checker's jar, or a skip (a failure in CI)."""
    java = shutil.which("java")
    if java is None:
        missing("java not found: apt-get install default-jre-headless (the Nu HTML checker needs Java 11+)")
    if not VNU.is_file():
        missing(f"the Nu HTML checker not found at {VNU.relative_to(PROJECT)}: run npm ci in the project folder")
    return java, VNU


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path, mount: str = "/") -> Iterator[str]:
    """Serve folder over HTTP on 127.0.0.1 from a thread, at the given base path; yields the base address.

    A mount other than '/' is served from a temporary parent folder that holds a link to the site,
    as static hosting under a sub-path (GitHub Pages) would.
    """
    root = folder
    if mount != "/":
        root = folder.parent / f"{folder.name}-mount"
        target = root / mount.strip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(folder.resolve(), target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{mount}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """Console errors, failed requests and requests to other hosts seen by one page."""

    def __init__(self, page: object, base: str):
        self.host = base.split("/")[2]
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.on("response", lambda response: response.status >= 400 and self.failed.append(response.url))
        page.on("request", self._request)

    def _request(self, request: object) -> None:
        self.requests.append(request.url)
        if not request.url.startswith(("data:", "blob:")) and request.url.split("/")[2] != self.host:
            self.foreign.append(request.url)

    def problems(self) -> list[str]:
        """Everything that went wrong, in words; empty when the page was clean."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"failed request: {url}" for url in self.failed]
            + [f"request to another host: {url}" for url in self.foreign]
        )


def axe_violations(page: object, axe_source: str) -> list[str]:
    """axe-core's violations on the loaded page, one line each (rule, impact, first element)."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`))"
    )
    return list(result)


def horizontal_overflow(page: object) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
