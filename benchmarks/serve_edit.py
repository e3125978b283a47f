"""Edit one post while `serve` runs: time the preview's rebuild through sitegen.incremental.Preview.

    python benchmarks/serve_edit.py GENERATOR_DIR CORPUS_DIR STEM [--edits 3]

Does what `python build.py serve` does without the web server: the first preview build (serve's
start), then, for each edit, a sentence appended to content/news/STEM.vi.md, the edited page
written first (Preview.edited_first, when the generator has it: the browser reloads then), and the
full rebuild that follows (lists, tags, feeds), then the preview's search index (Preview.index_search,
when the generator has it: serve makes it in the background, after the first build and after each
full rebuild), with the garbage collection serve sets (collect.rarely and a full collection after each
edit, untimed, when the generator has them). Prints one JSON line: the start time, each edit's page-ready and whole-site times,
the search index's times, and files changed per edit. The browser's reload is not measured
here (benchmarks/serve_browser.py measures it, with the real server and Chromium).
"""

from __future__ import annotations

import functools
import gc
import inspect
import json
import sys
import threading
import time
from pathlib import Path

EDIT_SENTENCE = "\nCâu này được thêm vào khi xem trước để đo thời gian dựng lại một bài.\n"


def main(argv: list[str]) -> int:
    generator, root, stem = Path(argv[0]).resolve(), Path(argv[1]).resolve(), argv[2]
    edits = int(argv[argv.index("--edits") + 1]) if "--edits" in argv else 3
    sys.path.insert(0, str(generator))
    from sitegen.incremental import Preview

    try:  # serve's collections (521019d and later): rarely during its rebuilds, fully between them
        from sitegen.collect import rarely
    except ImportError:
        return _edits(Preview, root, stem, edits, between=lambda: None)
    with rarely():
        return _edits(Preview, root, stem, edits, between=gc.collect)


def _edits(Preview, root: Path, stem: str, edits: int, between) -> int:  # noqa: N803 - the generator's class
    started = time.perf_counter()
    preview = Preview(root, "http://127.0.0.1:8000/")
    first = preview.rebuild()
    start_seconds = time.perf_counter() - started
    if first.errors:
        print("\n".join(str(e) for e in first.errors), file=sys.stderr)
        return 1
    index = getattr(preview, "index_search", None)  # the preview's search index (0371a21 and later)
    if index is not None and inspect.signature(index).parameters:  # serve's lock (0371a21 to 3a7e58e)
        index = functools.partial(index, threading.Lock())
    search_start = _timed(index) if index is not None else None
    post = root / "content" / "news" / f"{stem}.vi.md"
    seconds, wholes, searches, changed = [], [], [], []
    for _ in range(edits):
        with post.open("a", encoding="utf-8", newline="\n") as file:
            file.write(EDIT_SENTENCE)
        began = time.perf_counter()
        first = None
        if hasattr(preview, "edited_first"):  # told which file changed, as serve's watcher tells it, where it can be
            told = "among" in inspect.signature(preview.edited_first).parameters
            first = preview.edited_first([str(post)]) if told else preview.edited_first()
        ready = time.perf_counter() - began
        outcome = preview.rebuild()
        whole = time.perf_counter() - began
        if outcome.errors:
            print("\n".join(str(e) for e in outcome.errors), file=sys.stderr)
            return 1
        seconds.append(ready if first is not None else whole)
        wholes.append(whole)
        if index is not None:
            searches.append(_timed(index))
        changed.append(len(outcome.changed) + (len(first.changed) if first else 0))
        between()
    result = {
        "start_seconds": start_seconds,
        "edit_seconds": seconds,
        "whole_seconds": wholes,
        "search_start_seconds": search_start,
        "search_seconds": searches,
        "changed_files": changed,
        "pages": sum(1 for _ in preview.output.rglob("*.html")),
    }
    print(json.dumps(result))
    return 0


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
