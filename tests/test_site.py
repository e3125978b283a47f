import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from conftest import build_site, read, set_config

from sitegen import model

VI_POST = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"
EN_POST = "en/news/emulation-conference-2021/index.html"
VI_ONLY = "tin-tuc/bai-chi-co-tieng-viet/index.html"
ATOM = "{http://www.w3.org/2005/Atom}"


def links(html, rel):
    return dict(re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)">', html))


def test_vietnamese_is_at_the_root_and_english_under_en_with_translated_sections(site_root):
    build_site(site_root)
    out = site_root / "public"
    for path in ("index.html", "tin-tuc/index.html", VI_POST, "gioi-thieu/index.html", "the/hoi-nghi/index.html"):
        assert (out / path).is_file(), path
    for path in (
        "en/index.html",
        "en/news/index.html",
        EN_POST,
        "en/about/index.html",
        "en/tags/conferences/index.html",
    ):
        assert (out / path).is_file(), path
    assert '<html lang="vi">' in read(site_root, VI_POST)
    assert '<html lang="en">' in read(site_root, EN_POST)


def test_translations_link_to_each_other_with_hreflang_and_x_default(site_root):
    build_site(site_root)
    for page in (VI_POST, EN_POST):
        alternates = links(read(site_root, page), "alternate")
        assert alternates == {
            "vi": "https://example.org/tin-tuc/hoi-nghi-thi-dua-nam-2021/",
            "en": "https://example.org/en/news/emulation-conference-2021/",
            "x-default": "https://example.org/tin-tuc/hoi-nghi-thi-dua-nam-2021/",
        }


def test_language_switch_lands_on_the_same_page_in_the_other_language(site_root):
    build_site(site_root)
    assert 'href="/en/news/emulation-conference-2021/" hreflang="en"' in read(site_root, VI_POST)
    assert 'href="/tin-tuc/hoi-nghi-thi-dua-nam-2021/" hreflang="vi"' in read(site_root, EN_POST)
    assert 'href="/en/news/page/2/" hreflang="en"' not in read(site_root, "tin-tuc/index.html")
    assert 'href="/en/news/" hreflang="en"' in read(site_root, "tin-tuc/index.html")


def test_a_post_without_translation_says_so_instead_of_linking_home(site_root):
    build_site(site_root)
    html = read(site_root, VI_ONLY)
    assert '<span class="no-translation">English: chưa có bản dịch</span>' in html
    assert 'hreflang="en"' not in html


def test_english_news_list_shows_vietnamese_only_posts_marked_as_such(site_root):
    build_site(site_root)
    html = read(site_root, "en/news/index.html")
    assert f'<a href="/{VI_ONLY[: -len("index.html")]}" hreflang="vi">Bài chỉ có tiếng Việt</a>' in html
    assert '<span class="badge" lang="en">In Vietnamese</span>' in html


def test_vietnamese_only_posts_can_be_left_out_of_english_lists(site_root):
    set_config(site_root, list_untranslated=False)
    build_site(site_root)
    assert "Bài chỉ có tiếng Việt" not in read(site_root, "en/news/index.html")


def test_drafts_are_built_only_when_asked(site_root):
    build_site(site_root)
    assert not (site_root / "public/tin-tuc/ban-nhap-chua-dang").exists()
    build_site(site_root, drafts=True)
    assert (site_root / "public/tin-tuc/ban-nhap-chua-dang/index.html").is_file()


def test_future_posts_appear_when_their_vietnam_time_has_come(site_root):
    just_before = datetime(2029, 12, 31, 23, 59, tzinfo=UTC)  # 06:59 on 1/1/2030 in Vietnam
    build_site(site_root, now=just_before)
    assert not (site_root / "public/tin-tuc/bai-hen-gio-dang").exists()
    build_site(site_root, now=datetime(2030, 1, 1, 0, 0, tzinfo=UTC))
    assert (site_root / "public/tin-tuc/bai-hen-gio-dang/index.html").is_file()


def test_post_page_has_dates_in_each_languages_conventions(site_root):
    build_site(site_root)
    time = r'<time datetime="2021-03-11T08:36:00\+07:00"[^>]*>{}</time>'
    assert re.search(time.format("11/03/2021 08:36"), read(site_root, VI_POST))
    assert re.search(time.format("11 March 2021"), read(site_root, EN_POST))


def test_post_page_carries_news_article_json_ld(site_root):
    import json

    build_site(site_root)
    html = read(site_root, EN_POST)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Emulation conference 2021"
    assert data["datePublished"] == "2021-03-11T08:36:00+07:00"
    assert data["inLanguage"] == "en"
    assert data["author"]["name"] == "Ban Biên tập"
    assert data["image"] == ["https://example.org/images/anh.jpg"]
    assert data["keywords"] == ["Emulation and commendation", "Conferences"]


def test_photos_become_figures_with_captions_and_alt_text(site_root):
    build_site(site_root)
    html = read(site_root, VI_POST)
    assert re.search(
        r'<figure><img alt="Đại biểu ký giao ước"[^>]*src="/images/anh.jpg"[^>]*><figcaption>Ảnh: Các đơn vị ký Giao ước</figcaption></figure>',
        html,
    )
    assert "<figcaption>Ảnh: Toàn cảnh</figcaption>" in html
    assert (site_root / "public/images/anh.jpg").is_file()


def test_links_between_content_files_become_page_addresses(site_root):
    build_site(site_root)
    assert '<a href="/tin-tuc/bai-chi-co-tieng-viet/">bài chỉ có tiếng Việt</a>' in read(site_root, VI_POST)


def test_every_page_has_title_description_canonical_and_open_graph(site_root):
    build_site(site_root)
    html = read(site_root, EN_POST)
    assert "<title>Emulation conference 2021 – " in html
    assert '<meta name="description" content="Summary of the conference.">' in html
    assert '<link rel="canonical" href="https://example.org/en/news/emulation-conference-2021/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:image" content="https://example.org/images/anh.jpg">' in html
    assert '<meta property="og:image:width" content="40">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta property="og:locale:alternate" content="vi_VN">' in html


def test_news_list_is_paginated_with_links_both_ways(site_root):
    set_config(site_root, per_page=1)
    build_site(site_root)
    first, second = read(site_root, "tin-tuc/index.html"), read(site_root, "tin-tuc/trang/2/index.html")
    assert '<a rel="next" href="/tin-tuc/trang/2/">' in first
    assert '<a rel="prev" href="/tin-tuc/">' in second
    assert "Trang 2/3" in second
    assert (site_root / "public/en/news/page/3/index.html").is_file()


def test_tag_and_yearly_archive_pages_list_their_posts(site_root):
    build_site(site_root)
    tag = read(site_root, "the/thi-dua-khen-thuong/index.html")
    assert "Hội nghị thi đua năm 2021" in tag and "Tổng kết năm 2020" in tag
    assert "Bài chỉ có tiếng Việt" not in tag
    assert "Tổng kết năm 2020" in read(site_root, "luu-tru/2020/index.html")
    assert "Tổng kết năm 2020" not in read(site_root, "luu-tru/2021/index.html")
    english_tag = read(site_root, "en/tags/emulation-and-commendation/index.html")
    assert "Topic: Emulation and commendation" in english_tag
    assert 'hreflang="vi" href="https://example.org/the/thi-dua-khen-thuong/"' in english_tag


def test_tag_and_yearly_archive_pages_are_paginated_like_the_news_list(site_root):
    set_config(site_root, per_page=1)
    build_site(site_root)
    first, second = (
        read(site_root, "the/thi-dua-khen-thuong/index.html"),
        read(site_root, "the/thi-dua-khen-thuong/trang/2/index.html"),
    )
    assert "Hội nghị thi đua năm 2021" in first and "Tổng kết năm 2020" not in first
    assert "Tổng kết năm 2020" in second and "Hội nghị thi đua năm 2021" not in second
    assert '<a rel="next" href="/the/thi-dua-khen-thuong/trang/2/">' in first
    assert '<a rel="prev" href="/the/thi-dua-khen-thuong/">' in second
    assert "<title>Chủ đề: Thi đua khen thưởng – trang 2 – " in second and "Trang 2/2" in second
    assert not (site_root / "public/the/thi-dua-khen-thuong/trang/3").exists()
    english = read(site_root, "en/tags/emulation-and-commendation/page/2/index.html")
    assert "<title>Topic: Emulation and commendation – page 2 – " in english
    assert 'href="/the/thi-dua-khen-thuong/trang/2/" hreflang="vi"' in english
    archive = read(site_root, "luu-tru/2021/trang/2/index.html")
    assert '<a rel="prev" href="/luu-tru/2021/">' in archive and "Tin tức năm 2021 – trang 2" in archive


def test_a_later_list_page_the_other_language_lacks_switches_to_that_languages_list(site_root):
    # Vietnamese lists three posts a page each; English only its one translated post, of 2021.
    set_config(site_root, per_page=1, list_untranslated=False)
    build_site(site_root)
    assert not (site_root / "public/en/news/page/2").exists()
    third = read(site_root, "tin-tuc/trang/3/index.html")
    assert '<a href="/en/news/" hreflang="en" lang="en">English</a>' in third
    assert 'hreflang="en" href="https://example.org/en/news/"' not in third  # not an alternate of page 3
    first = read(site_root, "tin-tuc/index.html")
    assert '<a href="/en/news/" hreflang="en" lang="en" rel="alternate">English</a>' in first
    # No English list of 2020 at all: the reader is told so, not sent elsewhere.
    assert not (site_root / "public/en/archive/2020").exists()
    year = read(site_root, "luu-tru/2020/index.html")
    assert '<span class="no-translation">English: chưa có bản dịch</span>' in year


def test_only_the_first_page_of_each_list_is_in_the_sitemap(site_root):
    set_config(site_root, per_page=1)
    build_site(site_root)
    assert (site_root / "public/tin-tuc/trang/2/index.html").is_file()
    sitemap = read(site_root, "sitemap.xml")
    for first in ("tin-tuc/", "the/thi-dua-khen-thuong/", "luu-tru/2021/", "en/news/"):
        assert f"<loc>https://example.org/{first}</loc>" in sitemap
    assert "/trang/2/" not in sitemap and "/page/2/" not in sitemap


def test_404_pages_exist_in_both_languages_and_link_home(site_root):
    build_site(site_root)
    assert "Không tìm thấy trang" in read(site_root, "404.html")
    assert "Page not found" in read(site_root, "en/404.html")
    assert 'href="/en/"' in read(site_root, "404.html")


def test_feeds_hold_the_posts_of_their_language(site_root):
    build_site(site_root)
    vi = ET.fromstring(read(site_root, "feed.xml"))
    en = ET.fromstring(read(site_root, "en/feed.xml"))
    vi_titles = [e.findtext(f"{ATOM}title") for e in vi.iter(f"{ATOM}entry")]
    en_titles = [e.findtext(f"{ATOM}title") for e in en.iter(f"{ATOM}entry")]
    assert vi_titles == ["Bài chỉ có tiếng Việt", "Hội nghị thi đua năm 2021", "Tổng kết năm 2020"]
    assert en_titles == ["Emulation conference 2021"]
    content = next(en.iter(f"{ATOM}entry")).findtext(f"{ATOM}content")
    assert "<figcaption>Photo: The units sign the pledge</figcaption>" in content


def test_sitemap_lists_pages_with_their_alternates(site_root):
    build_site(site_root)
    root = ET.fromstring(read(site_root, "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): u for u in root.findall("s:url", ns)}
    post = urls["https://example.org/tin-tuc/hoi-nghi-thi-dua-nam-2021/"]
    alternates = {a.get("hreflang"): a.get("href") for a in post.findall("x:link", ns)}
    assert alternates == {
        "vi": "https://example.org/tin-tuc/hoi-nghi-thi-dua-nam-2021/",
        "en": "https://example.org/en/news/emulation-conference-2021/",
    }
    assert "https://example.org/404.html" not in urls
    assert "Sitemap: https://example.org/sitemap.xml" in read(site_root, "robots.txt")


def test_a_sitemap_past_the_protocols_limit_becomes_an_index_of_files_within_it(site_root, monkeypatch):
    build_site(site_root, output=site_root / "whole")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    whole_sitemap = (site_root / "whole" / "sitemap.xml").read_text(encoding="utf-8")
    whole = [u.text for u in ET.fromstring(whole_sitemap).findall("s:url/s:loc", ns)]
    monkeypatch.setattr(model, "SITEMAP_URLS", 4)  # the real limit, 50,000 addresses, takes too many posts
    build_site(site_root)  # into public/, a new output folder: a whole build
    index = ET.fromstring(read(site_root, "sitemap.xml"))
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert parts == [f"https://example.org/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(whole) // 4) > 1
    split = []
    for part in parts:
        urls = ET.fromstring(read(site_root, part.removeprefix("https://example.org/"))).findall("s:url/s:loc", ns)
        assert 0 < len(urls) <= 4
        split += [u.text for u in urls]
    assert split == whole
    assert "Sitemap: https://example.org/sitemap.xml" in read(site_root, "robots.txt")


def test_a_sub_path_build_has_no_link_escaping_the_base_path(site_root):
    build_site(site_root, base_url="https://example.org/khoi-thi-dua/")
    out = site_root / "public"
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert link.startswith(("/khoi-thi-dua/", "https://example.org/khoi-thi-dua/", "#", "data:")), (page, link)
    for name in ("sitemap.xml", "feed.xml", "en/feed.xml", "robots.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert "https://example.org/khoi-thi-dua/" in text
        assert not re.search(r"https://example\.org/(?!khoi-thi-dua/)", text), name


def test_building_twice_gives_byte_identical_output(site_root, tmp_path):
    build_site(site_root, output=tmp_path / "one")
    build_site(site_root, output=tmp_path / "two")
    one = tree_bytes(tmp_path / "one")
    two = tree_bytes(tmp_path / "two")
    assert one == two
    assert len(one) > 20


def test_summary_counts_pages_per_language(site_root):
    result = build_site(site_root)
    assert result.summary().startswith("Built ")
    html = [p.relative_to(site_root / "public").as_posix() for p in (site_root / "public").rglob("*.html")]
    assert result.pages_per_language["en"] == len([p for p in html if p.startswith("en/")])
    assert result.pages_per_language["vi"] == len([p for p in html if not p.startswith("en/")])


def test_tags_in_old_and_new_tone_placement_are_one_tag(site_root):
    from conftest import write

    write(site_root, "content/news/cu.vi.md", "---\ntitle: Kiểu cũ\ndate: 2021-01-02\ntags: [Văn hóa]\n---\n")
    write(site_root, "content/news/moi.vi.md", "---\ntitle: Kiểu mới\ndate: 2021-01-03\ntags: [Văn hoá]\n---\n")
    build_site(site_root)
    page = read(site_root, "the/van-hoa/index.html")
    assert "Kiểu cũ" in page and "Kiểu mới" in page


def test_a_parallel_build_gives_the_same_bytes_as_one_process(site_root, tmp_path):
    from conftest import NOW

    from sitegen.model import BuildOptions
    from sitegen.pipeline import build

    build(site_root, BuildOptions(now=NOW, jobs=1), output=tmp_path / "one")
    build(site_root, BuildOptions(now=NOW, jobs=2), output=tmp_path / "two")
    one = tree_bytes(tmp_path / "one")
    two = tree_bytes(tmp_path / "two")
    assert one == two
    assert len(one) > 20


def tree_bytes(folder):
    """Every file under a folder, by its relative path, with its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_post_without_summary_is_described_by_the_start_of_its_text(site_root):
    build_site(site_root)
    assert '<meta name="description" content="Nội dung chưa được dịch.">' in read(site_root, VI_ONLY)
    assert "Nội dung chưa được dịch." in read(site_root, "tin-tuc/index.html")
    assert "<summary>Nội dung chưa được dịch.</summary>" in read(site_root, "feed.xml")


def test_after_a_build_in_this_process_the_template_environment_no_longer_holds_the_site(site_root):
    from conftest import edit

    from sitegen.templates import make_environment

    build_site(site_root)  # the first build renders in a process of its own; the next one here
    edit(site_root, "content/news/hoi-nghi.vi.md", "Tóm tắt hội nghị.", "Tóm tắt hội nghị thi đua.")
    later = build_site(site_root)
    assert later.pages_per_language["vi"] > 0
    globals_left = make_environment(site_root).globals
    assert "body" not in globals_left  # the renderer's calls, which hold the site's model
    assert "config" not in globals_left
