"""What the converting stage would cost with another Markdown engine: CPU time, on one core, to turn
every body of a corpus into HTML.

Rows: our converter (sitegen.markup.Converter: Python-Markdown with the site's extensions and tree
processor, as a build converts), Python-Markdown alone with the same extensions, and each other engine
that is installed (markdown-it-py, mistune, cmarkgfm; none is a dependency of the project). The other
engines convert the raw body only: no figures, heading ids, checked links or photo sizes, which would
have to be written again for them. It measures what the owners would gain by leaving the stack's
Python-Markdown, not a replacement.

    python benchmarks/engines.py /tmp/bench/corpus-10000
    python benchmarks/engines.py --posts 1000
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import markdown

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from sitegen.config import load_config  # noqa: E402
from sitegen.content import Document, load_documents  # noqa: E402
from sitegen.markup import EXTENSIONS, Converter, Links  # noqa: E402
from sitegen.model import BuildOptions, assemble_site  # noqa: E402
from sitegen.urls import Urls  # noqa: E402

Convert = Callable[[str], object]


def _markdown_it() -> Convert:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render


def _mistune() -> Convert:
    import mistune

    return mistune.create_markdown(plugins=["table", "footnotes"])


def _cmarkgfm() -> Convert:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    return lambda body: cmarkgfm.github_flavored_markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE)


# name shown, module that must be installed, the engine made ready to convert
OTHERS: tuple[tuple[str, str, Callable[[], Convert]], ...] = (
    ("markdown-it-py (Python; commonmark + table)", "markdown_it", _markdown_it),
    ("mistune (Python; table, footnotes)", "mistune", _mistune),
    ("cmarkgfm (C: cmark-gfm; GFM)", "cmarkgfm", _cmarkgfm),
)


def site_of(root: Path) -> tuple[tuple[Document, ...], Links]:
    """The published documents of the project at root and their links, made as a build makes them."""
    config = load_config(root)
    documents, errors = load_documents(config)
    site, model_errors = assemble_site(config, documents, BuildOptions(now=datetime.now(UTC)))
    if errors + model_errors:
        raise SystemExit("\n".join(str(error) for error in errors + model_errors))
    return site.documents, Links.of_site(site.documents, Urls(config), root / "content", site.doc_paths)


def _timed(convert: Callable, items: Iterable) -> float:
    start = time.process_time()
    for item in items:
        convert(item)
    return time.process_time() - start


def measure(documents: Sequence[Document], links: Links) -> list[tuple[str, float | None]]:
    """(engine, CPU seconds to convert every body) for each engine; None where it is not installed."""
    bodies = [d.body for d in documents]
    python_markdown = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    rows: list[tuple[str, float | None]] = [
        (
            "our converter (Python-Markdown + the site's processing)",
            _timed(Converter(links).convert, documents),
        ),
        ("Python-Markdown alone (the same extensions)", _timed(lambda b: python_markdown.reset().convert(b), bodies)),
    ]
    for name, module, make in OTHERS:
        rows.append((name, _timed(make(), bodies) if importlib.util.find_spec(module) else None))
    return rows


def report(rows: list[tuple[str, float | None]], bodies: int) -> str:
    """The table: CPU seconds for all bodies, ms per body, and the share of our converter's time."""
    ours = rows[0][1] or 1e-9
    lines = [f"{bodies} bodies, one core", f"{'CPU s':>8} {'ms/body':>8} {'of ours':>8}  engine"]
    for name, seconds in rows:
        if seconds is None:
            lines.append(f"{'-':>8} {'-':>8} {'-':>8}  {name}: not installed")
        else:
            lines.append(f"{seconds:8.2f} {seconds / bodies * 1000:8.3f} {seconds / ours:8.2f}  {name}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="a project folder (a benchmark corpus)")
    parser.add_argument("--posts", type=int, default=1000, help="without a corpus: make one of this many posts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="engines-") as scratch:
        root = args.corpus
        if root is None:
            from benchmarks import corpus

            root = corpus.generate(Path(scratch) / "corpus", args.posts).root
        documents, links = site_of(root)
        print(report(measure(documents, links), len(documents)))


if __name__ == "__main__":
    main()
