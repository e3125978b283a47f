"""The benchmark's reader search (benchmarks/reader_search.py): a built site's search page on a slow phone,
timed in a real headless Chromium."""

from __future__ import annotations

import json

from browser_support import require_chromium
from conftest import build_site, set_config

from benchmarks import reader_search

ROUND_TRIP = reader_search.SLOW_4G["latency"] / 1000


def test_a_reader_on_a_slow_phone_waits_for_every_bundle_first_then_only_for_the_words_searched(site_root):
    require_chromium()
    set_config(site_root, search_bundle_pages=2)
    build_site(site_root)
    built = site_root / "public"
    bundles = 1 + len(json.loads((built / "pagefind" / "bundles.json").read_text(encoding="utf-8")))
    assert bundles >= 3

    first, then = reader_search.measure(built, reader_search.SEARCH_PAGE, ("hoi nghi", "dong chi"))["queries"]

    assert first["results"] >= 1 and "hoi nghi" in first["status"]
    assert then["results"] >= 1 and "dong chi" in then["status"], "typed without diacritics, đồng chí is found"
    # The first search loads pagefind.js, its entry, WebAssembly and every bundle's index before searching:
    # more requests than bundles, and several round trips of the slowed network one after another.
    assert first["requests"] > bundles and first["bytes"] > 0
    assert first["seconds"] > 4 * ROUND_TRIP
    # A later search fetches only its words' index chunks and the results shown: the index is loaded once.
    assert 0 < then["requests"] < first["requests"]
