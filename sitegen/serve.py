"""The `serve` command: live preview with reload; a failed build is shown in the browser until it is fixed."""

from __future__ import annotations

import contextlib
import gc
import html
import json
import mimetypes
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from sitegen import collect
from sitegen.errors import BuildError, SiteError, format_errors
from sitegen.incremental import Outcome, Preview
from sitegen.sessionlock import hold
from sitegen.watch import EventWatcher

WATCHED = ("content", "layouts", "static", "site.yaml")
ERROR_STATUS = "500 Build failed"
PREVIEW_LOCK = Path(".cache") / "preview.lock"  # held while a preview of the folder runs
# How long the full rebuild waits after an edited page was written: the browser fetches that page
# meanwhile, without a rebuild to share Python with. (It was set when the rebuild set off Python's full
# garbage collection, 0.26-0.43 s at 10,000 posts, holding every thread; collect.rarely stops that now.)
ANSWER_GRACE = 0.3
# How often Python lets another thread run (its default: 0.005 s). The server's thread answers an edit
# saved during a full rebuild: it reads the post, writes its page and serves it, and after each of those
# system calls it waited up to this long for the rebuild's thread to let it go on. 0.24 s from the save
# to the page on screen at 10,000 posts with the default, 0.12-0.14 s with this; the rebuild is as fast.
SWITCH_INTERVAL = 0.0005
# How long serve, once stopped, waits for its search index's thread to clean up after its ended Pagefind run.
STOP_WAIT = 5.0
FAULT = (
    "The preview could not be updated because of a fault in the generator, not in your files. Please"
    " send the text above to whoever maintains the site's tools. The preview goes on; the next save"
    " rebuilds it again."
)
# Pages and pictures are asked for again at every reload; fingerprinted CSS and JS are kept by the browser.
FRESH, LASTING = "no-store", "max-age=31536000, immutable"


def serve(root: Path, host: str, port: int) -> int:
    """Build the preview, serve it on host:port, rebuild and reload on every change until Ctrl+C; 1 when
    the port is taken or another preview of the folder runs, before anything is touched."""
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only compared, never bound
    address = f"http://{shown_host}:{port}/"
    lock = hold(root / PREVIEW_LOCK)
    if lock is None:
        print(
            f"{root / PREVIEW_LOCK}: another preview of this folder is running. Use it (its address is in its"
            " window), or stop it there with Ctrl+C before starting a new one.",
            file=sys.stderr,
        )
        return 1
    with lock:
        if not _port_free(host, port):
            print(
                f"Port {port} is in use on {shown_host}: another preview or program listens on it. Stop it, or"
                f" choose another port: python build.py serve --port {port + 1}",
                file=sys.stderr,
            )
            return 1
        return _serve(root, host, port, address)


def _port_free(host: str, port: int) -> bool:
    # Bound as the server binds it (tornado's own function), then let go.
    try:
        sockets = bind_sockets(port, address=host)
    except OSError:
        return False
    for sock in sockets:
        sock.close()
    return True


def _serve(root: Path, host: str, port: int, address: str) -> int:
    preview = Preview(root, address)
    watcher = EventWatcher()  # told of saves, not polling
    reloads = Reloads()
    reloads.listen()
    server = Server(app=preview_app(preview, reloads.served), watcher=watcher)
    loop = IOLoop.current()  # the loop server.serve() runs; other threads hand it work with add_callback
    rebuilds = Rebuilds(preview, lambda: loop.add_callback(reloads.reload))

    for name in WATCHED:
        # The edited post's page first (the browser reloads it at once), then everything else.
        server.watch(str(root / name), rebuilds.answer_edit)
    try:
        # Watching before the first build (half a minute at 10,000 posts): a file saved during it is
        # answered as soon as the preview is served, not left until the next save.
        watcher.start(LiveReloadHandler.poll_tasks)
        _report(preview.rebuild())
        gc.collect()  # the first build's cycles, before anything is served
        rebuilds.index_search()  # in the background: the preview is served meanwhile
        print(f"Preview on {address} (drafts and future posts included, marked as such). Stop with Ctrl+C.", flush=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            print(f"Warning: listening on {host}: other computers on the network can open the preview.", flush=True)
        server.serve(port=port, host=host, debug=False, open_url_delay=None)  # until Ctrl+C (or as cli says)
    finally:  # also when Ctrl+C comes during the first build (then the command line says it stopped)
        rebuilds.stop()
    print("Preview stopped.", flush=True)
    return 0


class Reloads:
    """Tells the open browsers to reload, and a browser that was loading a page when they were told (its
    livereload socket not yet open) to reload as soon as it connects, else it would show that page, an
    error page maybe, until the next save. Everything here runs on the server's thread: the pages are
    served, the sockets answered and the reloads sent there."""

    def __init__(self) -> None:
        self.count = 0  # reloads sent
        self.pages: dict[str, int] = {}  # a page's address -> the reloads sent when it was last served

    def served(self, path: str) -> None:
        """A page at this address was just served."""
        self.pages[path] = self.count

    def reload(self) -> None:
        """Tell every browser connected to reload."""
        self.count += 1
        LiveReloadHandler.reload_waiters()

    def connected(self, browser: LiveReloadHandler, url: str) -> None:
        """A browser showing `url` has opened its socket: reload it if a reload was sent since it got the page."""
        if self.pages.get(unquote(urlsplit(url).path), self.count) < self.count:
            browser.send_message({"command": "reload", "path": "*", "liveCSS": LiveReloadHandler.live_css})

    def listen(self) -> None:
        """Be told of each browser that connects (livereload has no hook for it: its handler is wrapped)."""
        answer = LiveReloadHandler.on_message

        def on_message(handler: LiveReloadHandler, message: str | bytes) -> None:
            answer(handler, message)
            said = json.loads(message)
            if said.get("command") == "info" and "url" in said:
                self.connected(handler, said["url"])

        LiveReloadHandler.on_message = on_message  # type: ignore[method-assign]


class Rebuilds:
    """An edit's own page at once; the full rebuild in a background thread, one at a time; the search
    index's bundles that hold a changed page in another, so that neither waits for the other (the
    first index takes 20 s at 10,000 posts).

    When the full rebuild or the index changes files, open browsers reload again: once the index agrees
    with the pages when it was idle, else at once and again when the index is done. An edit saved while
    a full rebuild runs has its own page written at once too, beside that rebuild (Preview allows it),
    which leaves the page as the edit wrote it.

    Python looks through the whole heap for cyclic garbage rarely while they run (collect.rarely),
    and once after each full rebuild when no edit waits, before the browsers reload: not three or four
    times in the middle of each full rebuild, holding an edit saved meanwhile. It switches threads more
    often (SWITCH_INTERVAL), for the same reason.
    """

    def __init__(self, preview: Preview, reload: Callable[[], None]):
        self.preview = preview
        self.reload = reload
        self.wanted = threading.Event()  # a full rebuild
        self.index_wanted = threading.Event()  # the search index brought up to date
        self.flags = threading.Lock()  # the two below, between the two threads
        self.indexing = False
        self.pages_changed = False  # by a full rebuild, for the browsers to reload once the index is done
        self.answered = 0.0  # time.monotonic() when an edited page was last written first
        self.closing = False
        self.settings = contextlib.ExitStack()  # Python's own, given back on close
        self.settings.enter_context(collect.rarely())
        self.settings.enter_context(_switching_every(SWITCH_INTERVAL))
        rebuilder = threading.Thread(target=self._run, args=(self.wanted, self._rebuild), name="full-rebuild")
        self.indexer = threading.Thread(target=self._run, args=(self.index_wanted, self._index), name="search-index")
        self.threads = [rebuilder, self.indexer]
        for thread in self.threads:
            thread.daemon = True
            thread.start()

    def stop(self) -> None:
        """serve is ending: the Pagefind runs end now (one held still would stay stopped for good), and
        the threads stop at their next step; serve's process then exits after the index's thread has
        cleaned up (at most STOP_WAIT seconds), without waiting for a full rebuild to end."""
        self.closing = True
        self.index_wanted.set()  # an idle index thread wakes and ends; a busy one sees its run fail
        self.preview.search.pagefind.end()
        self.indexer.join(timeout=STOP_WAIT)  # for it to remove its staged pages and unfinished bundles

    def close(self) -> None:
        """Let the threads finish what they are doing, and end (serve's process simply exits; the tests close)."""
        self.closing = True
        self.wanted.set()
        self.index_wanted.set()
        for thread in self.threads:
            thread.join()
        self.settings.close()

    def answer_edit(self, paths: list[str] | None = None) -> None:
        """Write the edited posts' pages now, even while a full rebuild runs, reload the browsers if
        that wrote any, and ask for a full rebuild. `paths`: the changed files, when the watcher knows
        them. Called on the server's thread, one edit after the other. The full rebuild is asked for
        even when the edited page could not be written first."""
        self.preview.search.pagefind.hold(ANSWER_GRACE)  # the cores to the edited page and the browser first
        try:
            first = self.preview.edited_first(paths)
            if first is not None:
                _report(first, "Edited page ready")
                if first.changed:
                    self.answered = time.monotonic()  # before the rebuild is asked for: it waits for the page
                    self.reload()
        except OSError as exc:
            then = "The full rebuild follows."
            _not_written(exc, self.preview.output, "the edited page could not be written first", then)
        finally:
            self.wanted.set()

    def index_search(self) -> None:
        """Ask for the preview's search index to be brought up to date (the first build's, at start)."""
        self.index_wanted.set()

    def _run(self, wanted: threading.Event, work: Callable[[], None]) -> None:
        # Until closed: close() may set `wanted` while the work runs, and the work clears it.
        while not self.closing:
            wanted.wait()
            if self.closing:
                return
            try:
                work()  # clears `wanted` once it knows what to do
            except Exception:  # noqa: BLE001 - a fault of ours: shown in full, and the preview goes on
                wanted.clear()
                traceback.print_exc()
                print(FAULT, file=sys.stderr, flush=True)

    def _rebuild(self) -> None:
        time.sleep(max(0.0, self.answered + ANSWER_GRACE - time.monotonic()))  # the page fetched first
        self.wanted.clear()
        try:
            outcome = self.preview.rebuild()
        except OSError as exc:
            _not_written(exc, self.preview.output, "the preview could not be updated")
            return
        _report(outcome)
        changed = bool(outcome.errors or outcome.changed)
        if not self.wanted.is_set():
            gc.collect()  # the last model's cycles: now, not in the middle of the next edit's answer
        with self.flags:
            now = changed and self.indexing  # else once the index agrees, so a search page reloads onto it
            self.pages_changed = self.pages_changed or (changed and not now)
        if now:
            self.reload()
        self.index_wanted.set()

    def _index(self) -> None:
        self.index_wanted.clear()
        with self.flags:
            self.indexing = True
        made = False
        try:
            made = self._index_search()
        finally:
            with self.flags:
                self.indexing = False
                reload, self.pages_changed = made or self.pages_changed, False
            if reload:
                self.reload()

    def _index_search(self) -> bool:
        # Whether the index changed.
        started = time.perf_counter()
        try:
            made = self.preview.index_search()
        except (BuildError, OSError) as exc:
            if not self.closing:  # else its Pagefind runs were ended by stop(): nothing to say
                self._index_failed(exc)
            return False
        if made:
            bundles = f"{made} bundle{'s' if made != 1 else ''}"
            print(f"Search index updated in {time.perf_counter() - started:.2f} s: {bundles} made", flush=True)
        return made > 0

    def _index_failed(self, exc: BuildError | OSError) -> None:
        if isinstance(exc, OSError):
            _not_written(exc, self.preview.output, "the preview's search index could not be updated")
            return
        print(format_errors(exc.errors), file=sys.stderr)
        print("The preview's pages are up to date; its search page cannot answer until this is fixed.", file=sys.stderr)
        sys.stderr.flush()


@contextlib.contextmanager
def _switching_every(seconds: float) -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _not_written(error: OSError, folder: Path, what: str, then: str = "It is tried again after the next save.") -> None:
    # A file held open by another program (on Windows, an antivirus or an editor).
    place = error.filename or folder
    print(f"{place}: {what} ({error.strerror or error}). {then}", file=sys.stderr)
    sys.stderr.flush()


def _report(outcome: Outcome, what: str = "Rebuilt") -> None:
    if outcome.saved_meanwhile:
        print(f"{', '.join(outcome.saved_meanwhile)} changed while the preview rebuilt: rebuilding again.", flush=True)
        return
    if outcome.errors:
        print(format_errors(outcome.errors), file=sys.stderr)
        print("The preview shows these errors until the files are fixed; it rebuilds on every save.", file=sys.stderr)
        sys.stderr.flush()
        return
    shown = ", ".join(outcome.changed[:5]) + (
        f" and {len(outcome.changed) - 5} more" if len(outcome.changed) > 5 else ""
    )
    print(f"{what} in {outcome.seconds:.2f} s: {len(outcome.changed)} files changed{': ' + shown if shown else ''}")
    sys.stdout.flush()


Respond = Callable[[str, list[tuple[str, str]]], object]


def preview_app(
    preview: Preview, served: Callable[[str], None] = lambda path: None
) -> Callable[[dict, Respond], Iterable[bytes]]:
    """A WSGI app serving the preview folder, or the error page while the last build failed; `served`
    is told the address of each page it serves."""

    def app(environ: dict, start_response: Respond) -> Iterable[bytes]:
        # WSGI hands the path over as Latin-1; addresses on this site are UTF-8.
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        page = _is_page(path)
        if page:
            served(path)
        if preview.errors and page:
            return _send(start_response, ERROR_STATUS, "text/html; charset=utf-8", error_page(preview.errors))
        try:
            found = preview.find(path)
            is_folder = (preview.output / path.lstrip("/")).is_dir()
        except ValueError:
            found, is_folder = None, False
        if is_folder and not path.endswith("/"):
            start_response("301 Moved Permanently", [("Location", quote(path + "/")), ("Content-Length", "0")])
            return [b""]
        if found is None:
            not_found = preview.find("en/404.html" if path.startswith("/en/") else "404.html")
            body = not_found.read_bytes() if not_found else b"<!doctype html><title>404</title><h1>404</h1>"
            return _send(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        cache = LASTING if preview.lasts(path) else FRESH
        return _send(start_response, "200 OK", _content_type(found), found.read_bytes(), cache)

    return app


def _is_page(path: str) -> bool:
    return path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]


def _content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return (
        f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("xml", "javascript", "json")) else kind
    )


def _send(start_response: Respond, status: str, content_type: str, body: bytes, cache: str = FRESH) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", cache)]
    start_response(status, headers)
    return [body]


def error_page(errors: Iterable[SiteError]) -> bytes:
    """The page shown instead of the site while it has errors: each file, line, message and hint, escaped."""
    ordered = sorted(errors, key=lambda e: (e.file, e.line or 0, e.message))
    items = []
    for error in ordered:
        place = f"<code>{html.escape(error.file)}</code>" + (f", dòng (line) {error.line}" if error.line else "")
        hint = f'<p class="hint">Gợi ý (hint): {html.escape(error.hint)}</p>' if error.hint else ""
        items.append(f'<li><p class="place">{place}</p><p class="message">{html.escape(error.message)}</p>{hint}</li>')
    count = len(ordered)
    page = f"""<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lỗi: chưa dựng được trang ({count})</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ color: #a00; font-size: 1.4rem; }}
li {{ margin: 0 0 1rem; padding: .5rem .75rem; border-left: 4px solid #a00; background: #fff5f5; }}
.place {{ font-weight: 600; margin: 0; }} .message {{ margin: .25rem 0; }} .hint {{ margin: 0; color: #444; }}
</style>
</head>
<body>
<h1>Chưa dựng được trang: {count} lỗi (build failed: {count} error{"s" if count != 1 else ""})</h1>
<p>Sửa các tệp dưới đây rồi lưu lại; trang này tự tải lại khi đã sửa xong.
Fix the files below and save; this page reloads by itself.</p>
<ol>
{"".join(items)}
</ol>
</body>
</html>
"""
    return page.encode("utf-8")
