"""How long a reader on a phone waits for search results on a built site: slow network, slow CPU.

    python benchmarks/reader_search.py OUTPUT_DIR [--page tim-kiem/] [--query "giao uoc" ...]

Serves the built site on 127.0.0.1 (HTTP/1.1, text gzipped, as simple static hosting does), opens
its search page in Debian's headless Chromium (Playwright) with Lighthouse's "slow 4G" phone
profile: 150 ms round trips, 1.6 Mbit/s down, the CPU slowed four times. Then:
  - puts each query in the field at once and presses Enter, one after another in the same page, and
    times it from the Enter key until the page says how many results it found. The first query also
    waits for the index to load (pagefind.js, its WebAssembly, and every bundle's metadata); the later
    ones only for the index chunks holding their words and the results' fragments. The first is the
    worst case: nothing was loaded before the Enter key.
  - in a fresh page (nothing cached), taps the field and types the first query as a reader's thumbs
    do, a key every KEY_MS, and times it from the last key until the results for the whole query show.
    The tap starts loading the index, and each pause longer than the page's wait starts a search.

Prints one JSON line: for each query the seconds, the requests made and the bytes served meanwhile,
and the results shown; the same for the typed query under "typed". Exits 2 when there is no browser here.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import sys
import threading
import time
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Lighthouse's mobile profile ("slow 4G"): what a reader's phone on a slow connection gets.
SLOW_4G = {"latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
# Typed without diacritics, as readers do: words the benchmark corpus and the real site both have.
QUERIES = ("giao uoc", "hoi nghi tong ket", "dong chi")
# A reader's thumbs on a phone: about 36 words a minute (Palin et al., "How do people type on mobile
# devices?", MobileHCI 2019), so three keys a second.
KEY_MS = 330
SEARCH_PAGE = "tim-kiem/"  # the Vietnamese search page's address in the site (site.yaml's section name)
GIVE_UP_MS = 180_000


# What static hosting (GitHub Pages, Netlify, a web server's defaults) sends gzipped to a browser that takes
# it: text, scripts and JSON. Pagefind's index files are gzipped already and, like its WebAssembly, have
# extensions no host knows, so they go as they are.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _Counted(http.server.SimpleHTTPRequestHandler):
    """Serves the folder, text gzipped as static hosting sends it, and notes each file's path and size as
    it is sent (the compressed size where it was compressed)."""

    protocol_version = "HTTP/1.1"  # keep-alive: the browser reuses its six connections, as on real hosting
    served: list[tuple[str, int]]

    def send_head(self):  # noqa: ANN201 - the base class's signature
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        takes_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (takes_gzip and kind.startswith(COMPRESSED_TYPES) and path.is_file()):
            return super().send_head()
        data = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(data)

    def copyfile(self, source, outputfile) -> None:  # noqa: ANN001 - the base class's signature
        data = source.read()
        self.served.append((self.path, len(data)))
        # The browser may close while a file is on its way, when the run has ended: nothing to report.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            outputfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def serve(folder: Path, served: list[tuple[str, int]]) -> http.server.ThreadingHTTPServer:
    """The folder served on 127.0.0.1 in the background (shutdown() ends it), each file sent noted in `served`."""
    handler = type("Handler", (_Counted,), {"served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(folder: Path, page: str, queries: tuple[str, ...], typed: bool = True) -> dict:
    """Each query's time, requests, bytes and results shown, on the throttled phone profile; with `typed`,
    the same for the first query typed at a reader's pace in a fresh page (under "typed")."""
    from playwright.sync_api import sync_playwright

    served: list[tuple[str, int]] = []
    server = serve(folder, served)
    address = f"http://127.0.0.1:{server.server_address[1]}/{page}"
    profile = {**SLOW_4G, "cpu_slowdown": CPU_SLOWDOWN, "key_ms": KEY_MS}
    measured: dict = {"page": page, "profile": profile, "queries": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tab = _phone(browser, address)
            for query in queries:
                before, started = len(served), time.perf_counter()
                tab.fill("input[name=q]", query)
                tab.press("input[name=q]", "Enter")
                measured["queries"].append(_answer(tab, query, started, served, before))
            tab.context.close()
            if typed and queries:
                measured["typed"] = _typed(_phone(browser, address), queries[0], served)
            browser.close()
    finally:
        server.shutdown()
    return measured


def _phone(browser, address: str):  # noqa: ANN001, ANN202 - Playwright's objects
    # A page in a fresh context (nothing cached) on the slow phone profile, the search page loaded.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_4G})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    tab.goto(address, wait_until="load")
    return tab


def _typed(tab, query: str, served: list[tuple[str, int]]) -> dict:  # noqa: ANN001 - Playwright's page
    # Tap the field, type the query a key every KEY_MS, and time from the last key. The wait before it is
    # the pause after any other key, so the search for all but the last letter has begun, as it would.
    field = tab.locator("input[name=q]")
    loaded, tapped = len(served), time.perf_counter()
    field.click()
    field.press_sequentially(query[:-1], delay=KEY_MS)
    tab.wait_for_timeout(KEY_MS)
    before, started = len(served), time.perf_counter()
    field.press(query[-1])
    answer = _answer(tab, query, started, served, before)
    typing = served[loaded:before]
    return {
        **answer,
        "typing_seconds": round(started - tapped, 3),
        "typing_requests": len(typing),
        "typing_bytes": sum(size for _, size in typing),
    }


def _answer(tab, query: str, started: float, served: list[tuple[str, int]], before: int) -> dict:  # noqa: ANN001
    # Waits until the page has answered `query`; the seconds since `started`, and what was sent since `before`.
    tab.wait_for_function(ANSWERED, arg=query, timeout=GIVE_UP_MS)
    seconds = time.perf_counter() - started
    sent = served[before:]
    return {
        "query": query,
        "seconds": round(seconds, 3),
        "requests": len(sent),
        "bytes": sum(size for _, size in sent),
        "results": tab.eval_on_selector_all("#search-results > li", "items => items.length"),
        "status": tab.eval_on_selector("#search-status", "element => element.textContent"),
    }


# The search page has answered a query: its status says what it found for it (or that the search failed).
ANSWERED = """query => {
  const status = document.getElementById('search-status').textContent;
  const form = document.querySelector('form[data-bundle]');
  return status !== form.dataset.loading && (status.includes(query) || status === form.dataset.failed);
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the built site (the output folder)")
    parser.add_argument("--page", default=SEARCH_PAGE, help="the search page's address in the site")
    parser.add_argument("--query", action="append", help="a query to type (repeat for more)")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        print(f"no browser: Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("no browser: Playwright is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 2
    if not (args.folder / args.page / "index.html").is_file():
        parser.error(f"{args.folder / args.page / 'index.html'} not found: build the site first, or give --page")
    print(json.dumps(measure(args.folder, args.page, tuple(args.query or QUERIES)), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
