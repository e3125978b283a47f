"""Edit one post while `serve` runs and a browser shows it: time from the save to the new text on screen.

    python benchmarks/serve_browser.py GENERATOR_DIR CORPUS_DIR STEM [--edits 3]

Runs `python build.py serve` of the generator on the corpus, opens the post in Debian's headless
Chromium (Playwright), and appends a sentence to content/news/STEM.vi.md several times, each after
the last full rebuild (and the preview's search index, when the generator makes one: the first edit
waits for the whole index) has finished. Each time is from the file's save until the page in the
browser shows the sentence: the watcher noticing the save, the page written, livereload's message,
and the browser's own reload. Then one more edit, saved again as soon as it is on screen, as an editor
saves twice: the second save is timed apart ("saved_again_seconds"). It lands in the first one's full
rebuild, unless serve waits a moment before starting it (serve.ANSWER_GRACE). Last, as many saves
made halfway through an edit's full rebuild (its length read from serve's last "Rebuilt in"), then as
many halfway through the search index that follows it, timed apart too ("mid_rebuild_seconds",
"mid_index_seconds"); those made after it had ended are counted, not timed.
Prints one JSON line with the times, or exits 2 when there is no browser here.

The page tells the time itself: a script looks for the sentence before each frame is painted and
notes the clock (performance.timeOrigin + now(), the same system clock as time.time()). Playwright's
own wait notices it 70-170 ms later, because after a reload it must first find the new page; those
times are printed too ("noticed_seconds"), as a check that the page's are not too early.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GIVE_UP = 600  # seconds for the preview's first build of a big corpus
PAUSE = 0.3  # serve.ANSWER_GRACE: how long after an edited page is written its full rebuild starts
REBUILT, INDEXED = "Rebuilt in", "Search index updated in"  # what serve prints after each
# Runs in every page the browser opens: once the sentence in sessionStorage is on the page, the time.
LOOK_FOR_SENTENCE = """
(() => {
  const sentence = sessionStorage.getItem("sentence");
  if (!sentence) return;
  const look = () => {
    if (document.body && document.body.innerText.includes(sentence)) {
      sessionStorage.setItem("shown", String(performance.timeOrigin + performance.now()));
      sessionStorage.removeItem("sentence");
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})();
"""


def main(argv: list[str]) -> int:
    generator, root, stem = Path(argv[0]).resolve(), Path(argv[1]).resolve(), argv[2]
    edits = int(argv[argv.index("--edits") + 1]) if "--edits" in argv else 3
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("Playwright is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)", file=sys.stderr)
        return 2
    post = root / "content" / "news" / f"{stem}.vi.md"
    slug = re.search(r'^slug:\s*"?([^"\n]+)"?', post.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    with tempfile.TemporaryDirectory(prefix="serve-browser-") as folder:  # serve's output, gone afterwards
        return _measure(generator, root, slug, post, edits, Path(folder) / "serve.log")


def _measure(generator: Path, root: Path, slug: str, post: Path, edits: int, log: Path) -> int:
    """Run serve (its output into `log`) with Chromium showing the post, time the edits and print them."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    command = [sys.executable, str(generator / "build.py"), "serve", "--root", str(root), "--port", str(port)]
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: "Preview on" in log.read_text(encoding="utf-8"), GIVE_UP, log)
        # Where serve makes a search index in the background, after the first build and after each rebuild.
        done = INDEXED if (generator / "sitegen" / "previewsearch.py").is_file() else REBUILT
        _wait_for(lambda: done == REBUILT or done in log.read_text(encoding="utf-8"), GIVE_UP, log)
        timed = []  # (shown, noticed) of each edit

        def finished() -> int:  # full rebuilds (and their search index) done so far
            return log.read_text(encoding="utf-8").count(done)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(LOOK_FOR_SENTENCE)
            page.goto(f"http://127.0.0.1:{port}/tin-tuc/{slug}/")
            page.wait_for_function("window.LiveReload !== undefined")
            page.wait_for_timeout(1000)  # its socket open
            for number in range(edits):
                before = finished()
                timed.append(_save_and_time(page, post, number + 1))
                # The full rebuild after it (its search index, its own reload) done before the next.
                _wait_for(lambda before=before: finished() > before, 120, log)
                page.wait_for_timeout(1000)
            # Saved again as soon as an edit is on screen, as an editor saves twice: the second save lands in
            # the first one's full rebuild, unless serve waits a moment before it (serve.ANSWER_GRACE).
            before = finished()
            _save_and_time(page, post, edits + 1)
            again = _save_and_time(page, post, edits + 2)
            _wait_for(lambda: finished() > before, 120, log)
            halfway, number = {}, edits + 3  # saves halfway through an edit's full rebuild, then its search index
            for phase in ("rebuild", "index") if done != REBUILT else ("rebuild",):
                halfway[phase] = [_save_halfway(page, post, number + 2 * n, phase, log, finished) for n in range(edits)]
                number += 2 * edits
            browser.close()
    finally:
        server.terminate()
        server.wait()
    times = {"shown_seconds": [shown for shown, _ in timed], "noticed_seconds": [noticed for _, noticed in timed]}
    again_times = {"saved_again_seconds": [again[0]], "saved_again_noticed_seconds": [again[1]]}
    mid_times = {}
    for phase, saves in halfway.items():
        landed = [timed for timed in saves if timed is not None]
        mid_times[f"mid_{phase}_seconds"] = [shown for shown, _ in landed]
        mid_times[f"mid_{phase}_noticed_seconds"] = [noticed for _, noticed in landed]
        mid_times[f"mid_{phase}_missed"] = len(saves) - len(landed)  # saved after it had ended: not counted
    print(json.dumps({**times, **again_times, **mid_times}))
    return 0


def _save_halfway(page, post: Path, number: int, phase: str, log: Path, finished) -> tuple[float, float] | None:
    """Save once, then again halfway through the full rebuild ("rebuild") or the search index ("index")
    that follows, as long as the last one took; the second save's (shown, noticed), or None when that
    rebuild or index had ended at the save."""
    _quiet(log)  # the last pair's rebuilds and indexes all done (each rebuild has its own index now)
    before, rebuilt, indexed = finished(), _count(log, REBUILT), _count(log, INDEXED)
    started = time.time()
    _save_and_time(page, post, number)
    if phase == "rebuild":
        halfway = started + PAUSE + _last_seconds(log, REBUILT) / 2
    else:  # the index starts as the rebuild ends
        _wait_for(lambda: _count(log, REBUILT) > rebuilt, 120, log)
        halfway = time.time() + _last_seconds(log, INDEXED) / 2
    time.sleep(max(0.0, halfway - time.time()))
    landed = _count(log, REBUILT) == rebuilt if phase == "rebuild" else _count(log, INDEXED) == indexed
    timed = _save_and_time(page, post, number + 1)
    _wait_for(lambda: finished() > before, 120, log)
    return timed if landed else None


def _quiet(log: Path, seconds: float = 2.0) -> None:
    """Wait until serve has printed no rebuild nor index for this long."""

    def still() -> bool:
        counts = _count(log, REBUILT), _count(log, INDEXED)
        time.sleep(seconds)
        return counts == (_count(log, REBUILT), _count(log, INDEXED))

    _wait_for(still, 120, log)


def _count(log: Path, printed: str) -> int:
    return log.read_text(encoding="utf-8").count(printed)


def _last_seconds(log: Path, printed: str) -> float:
    # serve prints "Rebuilt in 3.76 s ..." after each full rebuild, "Search index updated in 1.86 s ..." after each index.
    return float(re.findall(rf"{printed} ([0-9.]+) s", log.read_text(encoding="utf-8"))[-1])


def _save_and_time(page, post: Path, number: int) -> tuple[float, float]:
    """Append a sentence to the post; from the save until the page showed it, by the page's clock and
    as Playwright noticed it."""
    sentence = f"Câu thêm lần {number} khi xem trước, lúc {time.time():.3f}."
    mark = "s => { sessionStorage.setItem('sentence', s); sessionStorage.removeItem('shown'); }"
    _through_reloads(lambda: page.evaluate(mark, sentence))
    saved = time.time()
    with post.open("a", encoding="utf-8", newline="\n") as file:
        file.write(f"\n{sentence}\n")
    shows = f"document.body.innerText.includes({sentence!r})"
    _through_reloads(lambda: page.wait_for_function(shows, polling=5, timeout=60_000))
    noticed = time.time() - saved
    stored = "sessionStorage.getItem('shown')"
    shown = float(_through_reloads(lambda: page.wait_for_function(stored, timeout=10_000).json_value())) / 1000 - saved
    if not 0 < shown <= noticed:
        raise SystemExit(f"the page's clock disagrees with this one: shown {shown:.3f} s, noticed {noticed:.3f} s")
    return shown, noticed


def _through_reloads(call):
    """call(), again if a reload destroyed the page it ran in: serve reloads the browser after each full
    rebuild and search index too, at any moment of a save made during them (sessionStorage stays)."""
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            return call()
        except Error as error:
            if "context was destroyed" not in str(error) or attempt == 4:
                raise
    return None


def _wait_for(condition, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"serve did not get there in {seconds} s; its output:\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
