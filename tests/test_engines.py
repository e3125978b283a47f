"""The comparison of Markdown engines times each one on every body of a real corpus."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from benchmarks import corpus, engines


def test_every_engine_converts_every_published_body_of_the_corpus(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    documents, links = engines.site_of(made.root)
    assert sum(d.kind == "news" for d in documents) == 10  # 5 posts in two languages
    rows = engines.measure(documents, links)
    assert [name for name, _ in rows[:2]] == [
        "our converter (Python-Markdown + the site's processing)",
        "Python-Markdown alone (the same extensions)",
    ]
    assert rows[0][1] > 0 and rows[1][1] > 0
    for (name, seconds), (_, module, _) in zip(rows[2:], engines.OTHERS, strict=True):
        assert (seconds is not None) == (importlib.util.find_spec(module) is not None), name


def test_the_table_gives_each_engine_its_share_of_our_converters_time():
    rows = [("ours", 2.0), ("Python-Markdown alone", 1.5), ("fast", 0.1), ("absent", None)]
    table = engines.report(rows, 1000).splitlines()
    assert table[0] == "1000 bodies, one core"
    assert table[2].split() == ["2.00", "2.000", "1.00", "ours"]
    assert table[4].split() == ["0.10", "0.100", "0.05", "fast"]
    assert table[5].endswith("absent: not installed")


def test_the_script_makes_a_corpus_when_given_none(capsys):
    engines.main(["--posts", "3"])
    lines = capsys.readouterr().out.splitlines()
    bodies, rest = lines[0].split(" ", 1)
    assert rest == "bodies, one core" and int(bodies) >= 6  # 3 posts in two languages, and the pages
    assert "our converter" in lines[2]
