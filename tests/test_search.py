"""The search index stage: what Pagefind is given, and that the index is part of the one atomic publish."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import build_site, edit, pagefind_texts, read, set_config

from benchmarks import corpus
from sitegen.errors import BuildError
from sitegen.search import (
    ALIAS_MARK,
    STAGING_PREFIX,
    body_text,
    folded_words,
    search_copy,
    search_records,
    whole_copy,
)

POST = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"


def test_words_with_d_bar_are_folded_once_each_in_order():
    assert folded_words("Đồng chí Đào, đồng chí Minh; thi đua") == ["dong", "dao", "dua"]


def test_words_without_d_bar_are_left_to_pagefind_which_folds_tone_marks_itself():
    assert folded_words("Hội nghị khen thưởng") == []


def test_only_the_searchable_element_gives_words_not_the_menu_or_footer():
    html = (
        "<html><body><nav>Đơn vị</nav><article data-pagefind-body><h1>Thi đua</h1><img alt=x>"
        "<p>Đồng chí</p></article><footer>Đảng</footer></body></html>"
    )
    assert body_text(html).split() == ["Thi", "đua", "Đồng", "chí"]
    indexed = search_copy(html)
    assert f"<article data-pagefind-body><p>dua dong {ALIAS_MARK}</p><h1>Thi đua</h1>" in indexed
    assert "Đơn vị" not in indexed and "Đảng" not in indexed


def test_pagefind_reads_the_pages_language_title_and_searchable_element_only():
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hội nghị | Khối</title>'
        '<link rel="stylesheet" href="/css/site.css"></head><body><nav><a href="/">Trang chủ</a></nav>'
        "<main><article data-pagefind-body><h1>Hội nghị</h1><p>Nội dung</p></article></main>"
        '<footer>Liên hệ</footer><script src="/js/menu.js"></script></body></html>'
    )
    assert search_copy(html) == (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hội nghị | Khối</title></head>'
        "<body><article data-pagefind-body><h1>Hội nghị</h1><p>Nội dung</p></article></body></html>"
    )


@pytest.mark.parametrize(
    "outside",
    ["<h1>Tiêu đề</h1>", '<img src="/anh.jpg" alt="">', '<span data-pagefind-meta="author">Ban biên tập</span>'],
)
def test_a_page_with_something_for_the_index_outside_its_searchable_element_is_given_whole(outside):
    # Pagefind takes its default title and image, and meta, filter and sort attributes, from anywhere.
    html = (
        f'<html lang="vi"><body><div class=top>{outside}</div><article data-pagefind-body>Đoàn</article></body></html>'
    )
    assert search_copy(html) == html.replace("data-pagefind-body>", f"data-pagefind-body><p>doan {ALIAS_MARK}</p>")


def test_words_are_split_at_punctuation_and_tags_as_well_as_spaces():
    assert folded_words("Hội-đồng (Đoàn) x.đ đ_đ") == ["dong", "doan", "d", "d_d"]
    assert f"<div data-pagefind-body><p>d dong {ALIAS_MARK}</p>" in search_copy(
        "<div data-pagefind-body>Hội đ<b>ồng</b> &#273;&#7891;ng</div>"
    )


def test_the_marker_named_earlier_in_a_text_does_not_mislead():
    html = (
        "<html><head><title>data-pagefind-body</title></head><body>"
        "<p>data-pagefind-body</p><div class=a data-pagefind-body><div>Đào</div> Đinh</div><div>Đỗ</div>"
        "</body></html>"
    )
    assert body_text(html) == "Đào Đinh"
    assert f"<div class=a data-pagefind-body><p>dao dinh {ALIAS_MARK}</p><div>Đào" in search_copy(html)


def test_blocks_that_pagefind_would_run_together_with_their_neighbours_are_kept_apart_by_a_space():
    html = "<html><body><dl data-pagefind-body><dt>Ngày ký</dt><dd>10/03/2021</dd><hr>Nơi ký</dl></body></html>"
    assert "<body> <dl data-pagefind-body> <dt>Ngày ký</dt>  <dd>10/03/2021</dd>  <hr>Nơi ký</dl> </body>" in (
        search_copy(html)
    )


def test_pagefind_reads_each_block_of_a_staged_copy_apart_from_the_text_beside_it(tmp_path):
    from sitegen.search import _pagefind_program

    # HTML's blocks that may hold text, but nav and footer (Pagefind leaves them out of the index) and tr
    # (its text is in cells).
    blocks = (  # noqa: SIM905 - a list of words reads best as words
        "address article aside blockquote caption dd details dialog div dl dt fieldset figcaption figure h1 h2 h3 h4"
        " h5 h6 header hgroup legend li main menu ol p pre section summary table tbody td tfoot th thead ul"
    ).split()
    parts = " ".join(
        f"<span>before{n}</span><{tag}>inside{n}</{tag}><span>after{n}</span>" for n, tag in enumerate(blocks)
    )
    html = (
        f'<html lang="en"><head><title>T</title></head><body><div data-pagefind-body>{parts} x<hr>y</div></body></html>'
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text(search_copy(html), encoding="utf-8")
    command = [str(_pagefind_program()), "--site", str(tmp_path / "site"), "--output-path", str(tmp_path / "index")]
    subprocess.run(command, check=True, capture_output=True)
    words = pagefind_texts(tmp_path / "index")["/"].replace(".", " ").split()
    for n in range(len(blocks)):
        assert words[words.index(f"before{n}") : words.index(f"after{n}") + 1] == [
            f"before{n}",
            f"inside{n}",
            f"after{n}",
        ], blocks[n]
    assert words[-2:] == ["x", "y"]


def test_every_word_the_real_sites_index_holds_is_a_word_its_page_shows(project_copy):
    # A word made of two (a label and its value run together: "ký10") is found by no search for either.
    build_site(project_copy, output=project_copy / "public")
    public = project_copy / "public"
    texts = pagefind_texts(public / "pagefind")
    assert any(url.startswith("/giao-uoc/") for url in texts) and any(url.startswith("/don-vi/") for url in texts)
    for url, text in texts.items():
        shown = set(re.findall(r"\w+", body_text((public / url.lstrip("/") / "index.html").read_text("utf-8"))))
        indexed = re.findall(r"\w+", text.split(ALIAS_MARK)[-1])
        assert [word for word in indexed if word not in shown] == [], url
    assert "Ngày ký 10/03/2021" in texts["/giao-uoc/2021/"]


def test_a_page_without_the_marker_is_not_searchable():
    files = {
        "index.html": b"<html><body><main>Trang chu</main></body></html>",
        "tin-tuc/a/index.html": "<html><article data-pagefind-body>Thi đua</article></html>".encode(),
        "feed.xml": b"<feed data-pagefind-body></feed>",
    }
    records = search_records(files)
    assert [r.url for r in records] == ["/tin-tuc/a/"]
    assert "dua " + ALIAS_MARK in records[0].html


def test_the_build_publishes_a_pagefind_index_for_each_language(site_root):
    build_site(site_root)
    entry = json.loads(read(site_root, "pagefind/pagefind-entry.json"))
    assert sorted(entry["languages"]) == ["en", "vi"]
    assert entry["languages"]["vi"]["page_count"] >= 3
    manifest = read(site_root, ".sitegen-manifest").splitlines()
    assert "pagefind/pagefind.js" in manifest


def test_the_published_post_carries_no_folded_words(site_root):
    build_site(site_root)
    html = read(site_root, POST)
    assert "data-pagefind-body" in html
    assert ALIAS_MARK not in html


def test_a_post_is_found_by_its_topics_but_not_by_the_word_that_labels_them(site_root):
    # The post says nothing of its topic "Hội nghị" but in its list of topics (Pagefind leaves out footers).
    build_site(site_root)
    texts = pagefind_texts(site_root / "public/pagefind")
    assert "Hội nghị" not in body_text(read(site_root, "tin-tuc/bai-chi-co-tieng-viet/index.html")).split("Chủ đề")[0]
    assert texts["/tin-tuc/bai-chi-co-tieng-viet/"].endswith("Nội dung chưa được dịch. Hội nghị.")
    assert "Emulation and commendation" in texts["/en/news/emulation-conference-2021/"]
    assert not [url for url, text in texts.items() if re.search(r"\b(Chủ đề|Topics)\b", text)]


def test_a_second_build_over_the_index_is_allowed(site_root):
    build_site(site_root)
    build_site(site_root)
    assert (site_root / "public" / "pagefind" / "pagefind.js").is_file()


def test_a_failed_index_publishes_nothing_and_leaves_the_previous_site(site_root, monkeypatch):
    build_site(site_root)
    before = {name: read(site_root, name) for name in ("index.html", POST)}
    set_config(site_root, home_posts=1)
    post = site_root / "content/news/hoi-nghi.vi.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMột đoạn mới cần tìm.\n", encoding="utf-8")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site_root / "no-such-pagefind"))
    with pytest.raises(BuildError) as error:
        build_site(site_root)
    message = str(error.value)
    assert "Pagefind program was not found" in message
    assert "pip install" in message
    assert {name: read(site_root, name) for name in before} == before
    assert not list(site_root.glob(".public.*"))


def test_a_failed_index_on_a_first_build_creates_no_output(site_root, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site_root / "no-such-pagefind"))
    with pytest.raises(BuildError):
        build_site(site_root)
    assert not (site_root / "public").exists()
    assert not list(site_root.glob(".public.*"))


def test_the_index_is_made_again_only_when_a_searchable_page_changed(site_root):
    build_site(site_root)
    index = site_root / "public/pagefind/pagefind-entry.json"
    first = index.stat().st_mtime_ns
    set_config(site_root, home_posts=1)  # the home page lists posts but is not searched
    build_site(site_root)
    assert index.stat().st_mtime_ns == first
    post = site_root / "content/news/hoi-nghi.vi.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMột đoạn mới cần tìm.\n", encoding="utf-8")
    build_site(site_root)
    assert index.stat().st_mtime_ns != first


def test_a_layout_change_around_the_searchable_element_leaves_the_index_but_one_inside_remakes_it(site_root):
    build_site(site_root)
    index = site_root / "public/pagefind/pagefind-entry.json"
    first = index.stat().st_mtime_ns
    edit(site_root, "layouts/base.html", "</body>", "<!-- bố cục đã sửa -->\n</body>")
    build_site(site_root)
    assert "<!-- bố cục đã sửa -->" in read(site_root, POST)
    assert index.stat().st_mtime_ns == first
    edit(site_root, "layouts/post.html", '<div class="body">', '<div class="body"><p>Tin của Khối</p>')
    build_site(site_root)
    assert "Tin của Khối" in read(site_root, POST)
    assert index.stat().st_mtime_ns != first


def test_the_index_of_the_cut_down_copies_equals_pagefinds_index_of_the_whole_pages(site_root, tmp_path, request):
    from sitegen.search import _fast_temp_dir, _pagefind_program, is_searchable

    build_site(site_root)
    public = site_root / "public"
    pages = {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*.html")}
    searchable = sorted(name for name, data in pages.items() if is_searchable(name, data))
    assert len(searchable) >= 6
    # Pagefind numbers pages in the order its folder lists them: staged where and as the build stages them.
    whole = Path(tempfile.mkdtemp(dir=_fast_temp_dir(len(searchable))))
    request.addfinalizer(lambda: shutil.rmtree(whole))
    for name in searchable:
        html = pages[name].decode("utf-8")
        assert "<nav" in html and "<nav" not in search_copy(html)  # the real layouts are cut down
        (whole / name).parent.mkdir(parents=True, exist_ok=True)
        (whole / name).write_text(whole_copy(html), encoding="utf-8")
    command = [str(_pagefind_program()), "--site", str(whole), "--output-path", str(tmp_path / "bundle"), "--quiet"]
    subprocess.run(command, check=True, capture_output=True)

    def index_files(folder):  # fragments and index chunks are named by a digest of their bytes
        kept = (p for p in folder.rglob("*") if p.parent.name in ("fragment", "index") or p.suffix == ".pf_meta")
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in kept}

    made = index_files(public / "pagefind")
    assert len([name for name in made if name.startswith("fragment/")]) == len(searchable)
    assert made == index_files(tmp_path / "bundle")


def test_the_search_page_exists_in_both_languages_and_works_without_javascript(site_root):
    build_site(site_root)
    vi = read(site_root, "tim-kiem/index.html")
    en = read(site_root, "en/search/index.html")
    assert 'hreflang="en" href="https://example.org/en/search/"' in vi
    assert 'action="https://www.google.com/search"' in vi
    assert 'name="as_sitesearch" value="example.org"' in vi
    assert "<noscript>" in vi and "site:example.org" in vi
    assert "js/search." in vi and " defer>" in vi
    assert "js/search." not in read(site_root, POST)
    assert 'data-bundle="/pagefind/"' in en


def test_the_search_page_finds_the_index_under_a_sub_path(site_root):
    build_site(site_root, base_url="https://example.org/khoi-thi-dua/")
    assert 'data-bundle="/khoi-thi-dua/pagefind/"' in read(site_root, "tim-kiem/index.html")
    assert 'name="as_sitesearch" value="example.org/khoi-thi-dua"' in read(site_root, "tim-kiem/index.html")


def test_every_page_shares_a_picture_with_its_size(site_root):
    build_site(site_root)
    home = read(site_root, "index.html")
    assert '<meta property="og:image" content="https://example.org/images/site-share.png">' in home
    assert '<meta property="og:image:width" content="1200">' in home
    assert '<meta property="og:image:height" content="630">' in home
    assert '<meta name="twitter:card" content="summary_large_image">' in home
    assert '<meta property="og:locale" content="vi_VN">' in home
    assert '<meta property="og:locale:alternate" content="en_GB">' in home


def test_the_real_sites_pledges_units_and_results_are_searchable_not_its_lists(project_copy):
    build_site(project_copy, output=project_copy / "public")
    records = search_records(
        {
            p.relative_to(project_copy / "public").as_posix(): p.read_bytes()
            for p in (project_copy / "public").rglob("*.html")
        }
    )
    urls = [r.url for r in records]
    assert any(u.startswith("/giao-uoc/") for u in urls), urls
    assert any(u.startswith("/tin-tuc/") for u in urls)
    assert any(u.startswith("/ket-qua/") and u != "/ket-qua/" for u in urls)
    assert not any(u.startswith(("/tim-kiem/", "/404")) or u in ("/don-vi/", "/ket-qua/") for u in urls)
    # A unit is found by its names, folded as readers type them; its lists of results, pledges and
    # news are not its words (they would make it a result of every search for another unit or post).
    unit = body_text(next(r for r in records if r.url == "/don-vi/dong-y/").html)
    assert "Hội Đông y tỉnh Thái Nguyên" in unit and "Traditional Medicine" in unit
    assert "dong" in unit.split()
    assert "Giao ước thi đua đã ký" not in unit and "Tin tức liên quan" not in unit


def test_sorting_an_index_entry_never_writes_through_a_link_to_the_published_file(tmp_path):
    import os

    from sitegen.search import _sort_entry

    published = tmp_path / "public-entry.json"
    published.write_text('{"languages":{"vi":{"page_count":2},"en":{"page_count":1}}}', encoding="utf-8")
    linked = tmp_path / "new-entry.json"
    os.link(published, linked)
    _sort_entry(linked)
    assert linked.read_text(encoding="utf-8") == '{"languages":{"en":{"page_count":1},"vi":{"page_count":2}}}'
    assert published.read_text(encoding="utf-8") == '{"languages":{"vi":{"page_count":2},"en":{"page_count":1}}}'
    sorted_stamp = linked.stat().st_mtime_ns, linked.stat().st_ino
    _sort_entry(linked)  # already in order: left alone
    assert (linked.stat().st_mtime_ns, linked.stat().st_ino) == sorted_stamp


def test_staged_copies_left_in_memory_by_a_killed_build_are_removed_by_the_next_build(site_root):
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        pytest.skip("no /dev/shm here: the build stages its copies in the temporary folder, which the system cleans")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    killed = shm / f"{STAGING_PREFIX}{int(finished.stdout)}-left"  # its process is gone
    running = shm / f"{STAGING_PREFIX}{os.getpid()}-busy"  # a build still at work
    for folder in (killed, running):
        (folder / "tin-tuc").mkdir(parents=True)
        (folder / "tin-tuc/index.html").write_text("<html></html>", encoding="utf-8")
    try:
        build_site(site_root)
        assert not killed.exists()
        assert (running / "tin-tuc/index.html").is_file()
        assert not [p for p in shm.glob(f"{STAGING_PREFIX}{os.getpid()}-*") if p != running], "its own is removed"
    finally:
        shutil.rmtree(killed, ignore_errors=True)
        shutil.rmtree(running, ignore_errors=True)


def test_a_word_costs_a_reader_about_the_same_download_from_many_bundles_as_from_one_index(tmp_path):
    # A search fetches, from every bundle, the chunk of its word index holding each word: the chunks'
    # mean size, summed over the bundles, is what a word costs. Uncut, eight bundles would cost about
    # as much as all the words of the site.
    made = corpus.generate(tmp_path / "site", 120)

    def vietnamese_chunks(output: Path) -> list[list[int]]:
        entries = sorted((output / "pagefind").rglob("pagefind-entry.json"))
        return [[p.stat().st_size for p in (entry.parent / "index").glob("vi_*.pf_index")] for entry in entries]

    set_config(made.root, search_bundle_pages=100_000)
    build_site(made.root, output=tmp_path / "one")
    set_config(made.root, search_bundle_pages=40)
    build_site(made.root, output=tmp_path / "many")
    one, many = vietnamese_chunks(tmp_path / "one"), vietnamese_chunks(tmp_path / "many")
    assert len(one) == 1 and len(one[0]) >= 2, "the whole site's index is big enough to be cut"
    assert len(many) == 8
    per_word = sum(sum(sizes) / len(sizes) for sizes in many)
    whole = sum(one[0]) / len(one[0])
    assert per_word < 1.5 * whole, f"a word costs {per_word:.0f} bytes from 8 bundles, {whole:.0f} from one index"
