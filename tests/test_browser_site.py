"""The built site in headless Chromium: language switch, search, phone width, accessibility, weight.

The real project is built once into a temporary folder and served under a sub-path, as on GitHub
Pages. Pages of sections that do not exist yet are skipped with the name of the missing page; add a
section to PAGES below and every check runs on it in both languages.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import (
    PHONE,
    PROJECT,
    PageWatch,
    axe_violations,
    chromium,
    horizontal_overflow,
    require_axe,
    serve,
)
from conftest import FIXTURE, build_site, edit, set_config, write

from benchmarks import corpus, reader_search

MOUNT = "/khoi-thi-dua/"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
# What a reader visits, as (Vietnamese, English) paths or glob patterns under the output folder.
PAGES = {
    "home": ("index.html", "en/index.html"),
    "news list": ("tin-tuc/index.html", "en/news/index.html"),
    "post": ("tin-tuc/*/index.html", "en/news/*/index.html"),
    "pledge": ("giao-uoc/*/index.html", "en/pledges/*/index.html"),
    "results": ("ket-qua/*/index.html", "en/results/*/index.html"),
    "unit": ("don-vi/*/index.html", "en/members/*/index.html"),
    "search": ("tim-kiem/index.html", "en/search/index.html"),
    "404": ("404.html", "en/404.html"),
}
CASES = [(name, lang) for name in PAGES for lang in ("vi", "en")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real project built with a sub-path base URL; returns the output folder."""
    root = tmp_path_factory.mktemp("browser") / "project"
    root.mkdir()
    for name in ("content", "layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    build_site(root, now=NOW, base_url="https://example.org" + MOUNT)
    return root / "public"


@pytest.fixture(scope="module")
def base(built) -> str:
    with serve(built, MOUNT) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def page_path(built: Path, name: str, lang: str) -> str:
    """The address (under the base) of the first built page of a kind, or a skip naming what is missing."""
    pattern = PAGES[name][0 if lang == "vi" else 1]
    found = sorted(built.glob(pattern))
    if not found:
        pytest.skip(f"no {name} page in {lang} yet (nothing matches {pattern}); the test runs once it exists")
    return found[0].relative_to(built).as_posix().removesuffix("index.html")


def open_page(browser, base: str, path: str, viewport=PHONE):
    page = browser.new_page(viewport=viewport)
    watch = PageWatch(page, base)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    return page, watch


def test_the_language_switch_lands_on_the_translated_post(built, base, browser):
    page, _ = open_page(browser, base, page_path(built, "post", "vi"))
    page.click(".lang-switch a[hreflang='en']")
    page.wait_for_load_state()
    assert page.url.startswith(base + "en/news/")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "Emulation" in page.inner_text("h1")
    page.close()


@pytest.mark.parametrize("query", ["thi dua khen thuong", "dong chi", "hoi nghi trien khai"])
def test_a_search_without_diacritics_finds_the_conference_report(built, base, browser, query):
    page, watch = open_page(browser, base, "tim-kiem/")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    first = page.wait_for_selector("#search-results li", timeout=10_000)
    assert "Hội nghị triển khai Công tác Thi đua khen thưởng năm 2021" in first.inner_text()
    assert "11/03/2021" in first.inner_text()
    marked = [m.inner_text() for m in first.query_selector_all("mark")]
    assert marked, "the excerpt marks the words found"
    assert "đồng" in first.inner_text() or "thưởng" in first.inner_text()
    assert page.inner_text("#search-status").startswith(f"{len(page.query_selector_all('#search-results li'))} kết quả")
    assert watch.problems() == []
    page.close()


def write_blood_drives(site_root: Path, count: int) -> None:
    """Posts "Hiến máu đợt 1" to `count`, each about a blood donation day (ngày hội hiến máu)."""
    for number in range(1, count + 1):
        body = f"Ngày hội hiến máu tình nguyện lần thứ {number}."
        write(
            site_root,
            f"content/news/hien-mau-{number:02}.vi.md",
            f'---\ntitle: "Hiến máu đợt {number}"\ndate: 2021-04-{number:02} 08:00\n---\n\n{body}\n',
        )


def test_a_search_finding_more_than_a_page_of_results_says_how_many_and_shows_the_rest_on_request(site_root, browser):
    write_blood_drives(site_root, 25)
    build_site(site_root, now=NOW)
    with serve(site_root / "public") as base:
        page, watch = open_page(browser, base, "tim-kiem/?q=hien+mau")
        page.wait_for_selector("#search-results li", timeout=10_000)
        assert page.inner_text("#search-status") == "25 kết quả cho “hien mau”", "the count is of all found"
        assert len(page.query_selector_all("#search-results > li")) == 20
        page.click("#search-more")
        page.wait_for_function("document.querySelectorAll('#search-results > li').length === 25", timeout=10_000)
        assert page.is_hidden("#search-more"), "nothing more to show"
        focused = page.evaluate(
            "document.activeElement.closest('#search-results > li')?.querySelector('h2').textContent"
        )
        assert focused == page.query_selector_all("#search-results h2")[20].inner_text(), (
            "the first new result has the focus"
        )
        titles = {h.inner_text() for h in page.query_selector_all("#search-results h2")}
        assert titles == {f"Hiến máu đợt {number}" for number in range(1, 26)}
        page.fill("#search-q", "dong chi")
        page.press("#search-q", "Enter")
        page.wait_for_function("document.querySelectorAll('#search-results > li').length < 20", timeout=10_000)
        assert page.is_hidden("#search-more"), "a new search starts again from its own first page"
        assert watch.problems() == []
        page.close()


def _searched(browser, base: str, query: str) -> set[str]:
    # The index chunks and result fragments a fresh page fetches for `query` entered at once: what the
    # search costs a reader's network.
    page, watch = open_page(browser, base, "tim-kiem/")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function(reader_search.ANSWERED, arg=query, timeout=10_000)
    page.close()
    return _index_files(watch)


def _index_files(watch: PageWatch) -> set[str]:
    return {url for url in watch.requests if url.endswith((".pf_index", ".pf_fragment"))}


def _until_held(page, held: list) -> None:
    # Until the page has asked for something the test holds back.
    for _ in range(200):
        if held:
            return
        page.wait_for_timeout(50)


def _typed_into_url(page, text: str) -> None:
    # The field holds `text` and its search has begun (the search puts the query in the address).
    page.fill("#search-q", text)
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=text, timeout=10_000)


def test_a_reader_typing_on_a_slow_network_fetches_only_what_the_last_words_need(site_root, browser):
    # Each pause while typing starts a search. On a slow network, one overtaken by the next keys must load
    # nothing more: neither while the index is still loading, nor once its own index chunks arrive.
    write_blood_drives(site_root, 25)  # "h" and "hoi" (ngày hội) find them all, "hoi nghi" none
    build_site(site_root, now=NOW)
    with serve(site_root / "public") as base:
        needed = _searched(browser, base, "hoi nghi")
        page, watch = open_page(browser, base, "tim-kiem/")
        held, holding = [], {"what": ("/pagefind/",)}  # requests kept waiting, as a slow network would

        def slow(route) -> None:
            if any(part in route.request.url for part in holding["what"]):
                held.append(route)
            else:
                route.continue_()

        def let_through(what: tuple[str, ...]) -> None:
            holding["what"] = what
            while held:
                held.pop(0).continue_()

        page.route("**/*", slow)
        page.click("#search-q")  # the tap that starts loading the index
        _typed_into_url(page, "h")  # both wait for the index
        _typed_into_url(page, "hoi")
        assert any(route.request.url.endswith("pagefind.js") for route in held), "the index was still loading"
        let_through((".pf_index",))  # the index loads; "hoi", the latest, looks for its words
        _until_held(page, held)
        assert held, "the search for 'hoi' waits for its index chunks"
        _typed_into_url(page, "hoi nghi")  # overtakes it while its chunks are on their way
        let_through(())
        page.wait_for_function(reader_search.ANSWERED, arg="hoi nghi", timeout=10_000)

        assert page.inner_text("#search-results li h2")
        assert _index_files(watch) == needed, "only the chunks and results of the query typed last"
        assert watch.problems() == []
        page.close()


def test_a_search_typed_while_the_last_one_waits_for_the_network_starts_after_it(tmp_path, browser):
    # One search fetches at a time: on a slow network, the index chunks of every pause's words would
    # otherwise arrive before those of the words typed last.
    made = corpus.generate(tmp_path / "site", 120)  # its index is cut in chunks: "hoi" and "an" in two
    build_site(made.root, now=NOW)
    with serve(made.root / "public") as base:
        chunks = {
            query: {u for u in _searched(browser, base, query) if u.endswith(".pf_index")} for query in ("hoi", "an")
        }
        assert chunks["an"] - chunks["hoi"], "the two words are in different chunks"

        page, watch = open_page(browser, base, "tim-kiem/")
        held = []
        page.route("**/*.pf_index", lambda route: held.append(route))  # they wait, as on a slow network
        _typed_into_url(page, "hoi")
        _until_held(page, held)
        assert held, "the search for 'hoi' waits for its index chunk"
        _typed_into_url(page, "an")
        page.wait_for_timeout(500)
        assert not set(watch.requests) & (chunks["an"] - chunks["hoi"]), "the search for 'an' has not started"
        while held:
            held.pop(0).continue_()
        page.unroute("**/*.pf_index")
        page.wait_for_function(reader_search.ANSWERED, arg="an", timeout=10_000)
        assert chunks["an"] <= set(watch.requests)
        assert len(page.query_selector_all("#search-results > li")) == 20
        assert watch.problems() == []
        page.close()


def test_the_search_results_link_to_pages_under_the_base_path(built, base, browser):
    page, _ = open_page(browser, base, "tim-kiem/?q=dong+chi")
    link = page.wait_for_selector("#search-results li a", timeout=10_000)
    page.click("#search-results li a")
    page.wait_for_load_state()
    assert page.url.startswith(base + "tin-tuc/")
    assert link is not None
    page.close()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("tim-kiem/?q=hoi+dong+y", "Hội Đông y tỉnh Thái Nguyên"),
        ("en/search/?q=traditional+medicine", "Traditional Medicine"),
    ],
)
def test_a_search_for_a_units_name_finds_its_page_first(built, base, browser, path, title):
    page, watch = open_page(browser, base, path)
    first = page.wait_for_selector("#search-results li", timeout=10_000)
    assert title in first.query_selector("h2").inner_text()
    assert "/dong-y/" in first.query_selector("a").get_attribute("href")
    assert watch.problems() == []
    page.close()


def test_the_english_search_finds_english_pages(built, base, browser):
    page, _ = open_page(browser, base, "en/search/?q=emulation")
    first = page.wait_for_selector("#search-results li", timeout=10_000)
    assert first.query_selector("a").get_attribute("href").startswith(MOUNT + "en/")
    page.close()


def test_a_results_table_is_readable_at_360_px(built, base, browser):
    page, watch = open_page(browser, base, page_path(built, "results", "vi"))
    table = page.query_selector("table")
    assert table is not None, "the results page shows a table"
    assert horizontal_overflow(page) == 0, "the page itself never scrolls sideways"
    box = table.bounding_box()
    assert box["x"] >= 0 and box["width"] > 200
    first_cell = page.query_selector("table tbody tr > :first-child")
    cell = first_cell.bounding_box()
    assert cell["x"] >= 0 and cell["x"] + cell["width"] <= PHONE["width"], "the unit's name is on screen"
    size = page.evaluate("el => parseFloat(getComputedStyle(el).fontSize)", first_cell)
    assert size >= 12, f"table text is {size}px"
    assert watch.problems() == []
    page.close()


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_page_has_no_accessibility_violations(built, base, browser, name, lang):
    axe = require_axe()
    page, _ = open_page(browser, base, page_path(built, name, lang), viewport={"width": 1280, "height": 900})
    assert axe_violations(page, axe) == []
    page.close()


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_page_is_clean_and_fits_a_360_px_phone(built, base, browser, name, lang):
    axe = require_axe()
    page, watch = open_page(browser, base, page_path(built, name, lang))
    assert horizontal_overflow(page) == 0
    assert axe_violations(page, axe) == [], "the phone layout is as accessible as the wide one"
    expected_404 = name == "404"
    problems = [p for p in watch.problems() if not (expected_404 and p.endswith(("404.html", "(File not found)")))]
    assert problems == []
    page.close()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture site plus two posts that differ only in diacritics, for ranking."""
    root = tmp_path_factory.mktemp("ranking") / "site"
    shutil.copytree(FIXTURE, root)
    for name in ("layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    set_config(root, base_url="https://example.org/", menu=["news", "search"])
    east = " ".join(["Phía đông tỉnh có mưa."] * 6)
    write(root, "content/news/phia-dong.vi.md", f'---\ntitle: "Thời tiết"\ndate: 2021-05-01 08:00\n---\n\n{east}\n')
    write(
        root, "content/news/cong-dong.vi.md", '---\ntitle: "Cộng đồng"\ndate: 2021-05-02 08:00\n---\n\nVì cộng đồng.\n'
    )
    build_site(root, now=NOW)
    return root / "public"


def test_a_query_with_diacritics_ranks_the_exact_form_first(fixture_site, browser):
    with serve(fixture_site) as base:
        page, _ = open_page(browser, base, "tim-kiem/?q=đồng")
        page.wait_for_selector("#search-results li", timeout=10_000)
        titles = [h.inner_text() for h in page.query_selector_all("#search-results h2")]
        assert titles[0] == "Cộng đồng"
        assert "Thời tiết" in titles, "the other form (đông) is still found"
        page.goto(base + "tim-kiem/?q=dong")
        page.wait_for_selector("#search-results li", timeout=10_000)
        titles = [h.inner_text() for h in page.query_selector_all("#search-results h2")]
        assert {"Cộng đồng", "Thời tiết"} <= set(titles)
        page.close()


def test_a_post_without_photos_weighs_under_30_kb_in_at_most_3_requests(fixture_site, browser):
    with serve(fixture_site) as base:
        page = browser.new_page(viewport=PHONE)
        sizes: dict[str, int] = {}
        page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.ok else None)
        watch = PageWatch(page, base)
        page.goto(base + "tin-tuc/bai-chi-co-tieng-viet/")
        page.wait_for_load_state("networkidle")
        assert page.query_selector("main img") is None, "the post used has no photos"
        total = sum(sizes.values())
        assert len(watch.requests) <= 3, watch.requests
        assert total < 30 * 1024, f"{total} bytes: {sizes}"
        page.close()


def test_reading_needs_no_javascript(built, base, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(base + page_path(built, "post", "vi"))
    assert "Hội nghị" in page.inner_text("main")
    page.goto(base + "tim-kiem/")
    assert "site:example.org/khoi-thi-dua" in page.inner_text("main")
    context.close()


def test_a_search_over_an_index_made_of_several_bundles_finds_the_pages_of_every_bundle(site_root, browser):
    import json
    import re

    from sitegen.search import bundle_count, bundle_of
    from sitegen.vietnamese import fold

    set_config(site_root, search_bundle_pages=2)
    build_site(site_root, now=NOW)
    built = site_root / "public"
    searchable = sorted(
        p.relative_to(built).as_posix() for p in built.rglob("*.html") if "data-pagefind-body" in p.read_text("utf-8")
    )
    count = bundle_count(len(searchable), 2)
    assert count >= 3
    assert json.loads((built / "pagefind/bundles.json").read_text(encoding="utf-8")) == [
        f"more-{n}/" for n in range(1, count)
    ]
    vietnamese = [name for name in searchable if not name.startswith("en/")]
    assert len({bundle_of(name, count) for name in vietnamese}) >= 2, "the Vietnamese pages span several bundles"
    with serve(built) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page, base)
        for name in vietnamese:
            title = re.search(r"<h1>(.*?)</h1>", (built / name).read_text(encoding="utf-8")).group(1)
            page.goto(base + "tim-kiem/?q=" + fold(title))
            page.wait_for_selector("#search-results li", timeout=10_000)
            titles = [h.inner_text() for h in page.query_selector_all("#search-results h2")]
            assert title in titles, f"{name} (bundle {bundle_of(name, count)}) is found by its title"
        assert watch.problems() == []
        page.close()


def test_a_search_page_left_open_while_a_new_build_is_published_loads_the_new_index(site_root, browser):
    root = site_root
    build_site(root, now=NOW)
    with serve(root / "public") as base:
        page, _ = open_page(browser, base, "tim-kiem/?q=thi+dua+nam+2021")
        page.wait_for_selector("#search-results li", timeout=10_000)  # the index is loaded
        assert "Bài chỉ có tiếng Việt" not in page.inner_text("#search-results")
        edit(root, "content/news/chi-tieng-viet.vi.md", "Nội dung chưa được dịch.", "Nội dung đã sửa lại.")
        build_site(root, now=NOW)  # in place: the page's text for search, as the loaded index knew it, is gone
        page.fill("#search-q", "noi dung")
        page.press("#search-q", "Enter")
        found = page.wait_for_selector("#search-results li:has-text('Bài chỉ có tiếng Việt')", timeout=10_000)
        assert "đã sửa lại" in found.inner_text()
        page.close()
