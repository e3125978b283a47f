"""The benchmark's reader search (benchmarks/reader_search.py): a built site's search page on a slow phone,
timed in a real headless Chromium."""

from __future__ import annotations

import gzip
import json
import urllib.request

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

    measured = reader_search.measure(built, reader_search.SEARCH_PAGE, ("hoi nghi", "dong chi"))
    first, then = measured["queries"]
    typed = measured["typed"]

    assert first["results"] >= 1 and "hoi nghi" in first["status"], measured
    assert then["results"] >= 1 and "dong chi" in then["status"], (
        f"typed without diacritics, đồng chí is found: {measured}"
    )
    # The first search loads pagefind.js, its entry, WebAssembly and every bundle's index before searching:
    # more requests than bundles, and several round trips of the slowed network one after another.
    assert first["requests"] > bundles and first["bytes"] > 0, measured
    assert first["seconds"] > 4 * ROUND_TRIP, measured
    # A later search fetches only its words' index chunks and the results shown: the index is loaded once.
    assert 0 < then["requests"] < first["requests"], measured
    # Typed a key at a time in a fresh page, the index loads while the reader types: after the last key,
    # at most the words' chunks and the results are fetched (none, when the search for all but the last
    # letter has fetched what the whole query needs).
    assert typed["results"] >= 1 and "hoi nghi" in typed["status"], measured
    assert typed["typing_seconds"] >= (len("hoi nghi") - 1) * reader_search.KEY_MS / 1000, measured
    assert typed["typing_requests"] > bundles, measured
    assert typed["requests"] < first["requests"], measured


def test_the_reader_gets_text_gzipped_as_static_hosting_sends_it_and_the_index_files_as_they_are(site_root):
    build_site(site_root)
    built = site_root / "public"
    fragment = next((built / "pagefind" / "fragment").iterdir())
    served: list[tuple[str, int]] = []
    server = reader_search.serve(built, served)
    port = server.server_address[1]

    def get(path: str, accept: str = "gzip, deflate") -> tuple[str | None, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/{path}", headers={"Accept-Encoding": accept})
        with urllib.request.urlopen(request) as response:
            return response.headers["Content-Encoding"], response.read()

    try:
        script = get("pagefind/pagefind.js")
        page = get(f"{reader_search.SEARCH_PAGE}?q=x")
        index = get(f"pagefind/fragment/{fragment.name}")
        plain = get("pagefind/pagefind.js", accept="identity")
    finally:
        server.shutdown()

    assert script[0] == "gzip" and gzip.decompress(script[1]) == (built / "pagefind" / "pagefind.js").read_bytes()
    assert (
        page[0] == "gzip"
        and gzip.decompress(page[1]) == (built / reader_search.SEARCH_PAGE / "index.html").read_bytes()
    )
    assert index == (None, fragment.read_bytes()), "Pagefind's files are gzipped already: sent as they are"
    assert plain == (None, (built / "pagefind" / "pagefind.js").read_bytes())
    # What the reader's phone downloads is counted as sent: the compressed size.
    assert served[0] == ("/pagefind/pagefind.js", len(script[1])) and len(script[1]) < len(plain[1]) / 2
