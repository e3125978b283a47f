"""The published records: results, pledges, members and unit pages agree with each other and with the files."""

import csv
import io
import json
import re

import pytest
from conftest import build_site, read, write
from records_support import add_records, edit

from sitegen.vietnamese import collation_key


@pytest.fixture
def root(site_root):
    add_records(site_root)
    write(
        site_root,
        "content/news/tin-an-toan.vi.md",
        "---\ntitle: Hội An toàn tổng kết năm\ndate: 2024-12-20 08:00\nunits: [an-toan]\n---\nNội dung.\n",
    )
    build_site(site_root)
    return site_root


def ranking_rows(html: str) -> list[tuple[str, str, str]]:
    """(unit id, rank, total) of each row of the ranking table, as printed."""
    rows = re.findall(
        r'<tr data-unit="([^"]+)">\s*<td class="rank">(\d+).*?<td class="num total">([^<]+)</td>', html, re.S
    )
    return [(unit, rank, total) for unit, rank, total in rows]


def csv_rows(raw: bytes, separator: str) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


def test_results_page_csv_and_json_agree_for_every_unit(root):
    html = read(root, "ket-qua/2024/index.html")
    table = ranking_rows(html)
    data = json.loads(read(root, "ket-qua/2024/ket-qua-2024.json"))
    rows = csv_rows((root / "public/ket-qua/2024/ket-qua-2024.csv").read_bytes(), ";")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Hạng", "Mã đơn vị", "Đơn vị"]
    total = header.index("Tổng điểm")
    assert table == [("an-toan", "1", "21"), ("am-nhac", "2", "18"), ("an-uong", "3", "18"), ("dan-ca", "4", "14,5")]
    assert [(r[1], r[0], r[total]) for r in body] == table
    assert [(u["unit"], str(u["rank"]), u["total"]) for u in data["units"]] == [
        ("an-toan", "1", 21),
        ("am-nhac", "2", 18),
        ("an-uong", "3", 18),
        ("dan-ca", "4", 14.5),
    ]


def test_json_carries_the_capped_figures_and_the_change_on_the_previous_year(root):
    data = json.loads(read(root, "en/results/2024/results-2024.json"))
    first = data["units"][0]
    assert (first["bonus_before_cap"], first["bonus"], first["change"]) == (3, 2, 6)
    last = data["units"][-1]
    assert (last["deductions_before_cap"], last["deductions"], last["change"]) == (4, 3, 2.5)
    assert (data["status"], data["illustrative"], data["tie_break"]) == ("provisional", True, ["votes"])
    assert first["name"] == "Safety Association"


def test_english_csv_uses_commas_and_a_decimal_point(root):
    rows = csv_rows((root / "public/en/results/2024/results-2024.csv").read_bytes(), ",")
    assert rows[0][:3] == ["Rank", "Unit id", "Unit"]
    assert rows[-1][1:3] == ["dan-ca", "Folk Song Association"]
    assert "14.5" in rows[-1]


def test_vietnamese_figures_use_the_decimal_comma_and_english_the_point(root):
    assert '<td class="num total">14,5</td>' in read(root, "ket-qua/2024/index.html")
    assert '<td class="num total">14.5</td>' in read(root, "en/results/2024/index.html")


def test_equal_totals_share_a_rank_and_a_tie_break_is_shown(root):
    shared = read(root, "ket-qua/2023/index.html")
    assert ranking_rows(shared)[:3] == [("an-toan", "1", "15"), ("an-uong", "1", "15"), ("am-nhac", "3", "14")]
    assert "(đồng hạng)" in shared
    broken = read(root, "en/results/2024/index.html")
    assert "placed by: more votes" in broken
    assert "Units with equal totals are placed by, in turn: more votes." in broken


def test_status_and_illustrative_notice_are_shown_plainly_in_both_languages(root):
    vi = read(root, "ket-qua/2024/index.html")
    en = read(root, "en/results/2024/index.html")
    assert "Tình trạng số liệu: tạm thời" in vi and "số liệu minh họa" in vi
    assert "Status of the figures: provisional" in en and "illustrative" in en
    final = read(root, "ket-qua/2023/index.html")
    assert "Tình trạng số liệu: chính thức" in final and "minh họa" not in final


def test_capped_bonus_says_what_was_given_and_what_counts(root):
    assert "(capped at 2, 3 proposed)" in read(root, "en/results/2024/index.html")


def test_ranking_is_an_accessible_table_that_scrolls_inside_its_box(root):
    html = read(root, "ket-qua/2024/index.html")
    assert re.search(r'<div class="table-scroll" role="region" aria-labelledby="ranking-caption" tabindex="0">', html)
    assert '<caption id="ranking-caption"' in html
    assert html.count('<th scope="row" class="unit-col">') == 4
    assert '<th scope="col">Hạng</th>' in html


def test_bar_chart_is_svg_with_a_text_alternative_and_the_same_totals(root):
    html = read(root, "en/results/2024/index.html")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert re.findall(r">(\d+(?:\.\d+)?)</text>", svg) == ["21", "18", "18", "14.5"]
    assert "<script" not in html


def test_results_pages_are_translations_of_each_other(root):
    vi = read(root, "ket-qua/2024/index.html")
    assert 'hreflang="en" href="https://example.org/en/results/2024/"' in vi
    en = read(root, "en/results/2024/index.html")
    assert 'href="/ket-qua/2024/"' in en


def test_results_index_lists_each_published_year_with_leaders_and_awards(root):
    html = read(root, "en/results/index.html")
    assert html.index("See the 2024 results") < html.index("See the 2023 results")
    assert "Safety Association</a> (21)" in html
    assert "Safety Association</a> (15)" in html and "Food Association</a> (15)" in html
    assert (
        "Certificate of Merit (declined) – Decision No. 13/QĐ-UBND of 15 January 2024 by the Provincial People" in html
    )
    assert "Emulation Flag (proposed)" in html


def test_a_draft_year_is_not_published(root):
    edit(root, "content/results/2024.yaml", "status: provisional", "status: draft")
    build_site(root)
    assert not (root / "public/ket-qua/2024").exists()
    assert "/ket-qua/2024/" not in read(root, "ket-qua/index.html")
    assert not (root / "public/ket-qua/2024/ket-qua-2024.csv").exists()


def test_unit_page_agrees_with_the_results_pages(root):
    html = read(root, "don-vi/an-toan/index.html")
    data = {year: json.loads(read(root, f"ket-qua/{year}/ket-qua-{year}.json")) for year in (2023, 2024)}
    for year, figures in data.items():
        unit = next(u for u in figures["units"] if u["unit"] == "an-toan")
        assert re.search(rf'{year}</a>.*?<td class="num">{unit["total"]}</td><td class="num">{unit["rank"]}</td>', html)
    assert '<td class="num">+6</td>' in html
    assert "Bằng khen (đã được tặng) – Quyết định số 12/QĐ-UBND ngày 15/01/2024 của UBND tỉnh" in html
    assert 'href="https://an-toan.example.org/"' in html
    assert "<svg" in html


def test_unit_page_lists_pledges_signed_and_news_that_mention_it(root):
    vi = read(root, "don-vi/an-toan/index.html")
    assert 'href="/giao-uoc/2024/">2024</a> – Chủ tịch' in vi
    assert "Hội An toàn tổng kết năm" in vi
    en = read(root, "en/members/an-toan/index.html")
    assert "President" in en
    assert "Hội An toàn tổng kết năm" in en and "In Vietnamese" in en
    assert "Hội An toàn tổng kết năm" not in read(root, "don-vi/an-uong/index.html")


def test_former_unit_page_says_it_is_illustrative_and_where_it_merged(root):
    html = read(root, "en/members/dan-bau/index.html")
    assert "details of this unit are illustrative" in html
    assert 'href="/en/members/dan-ca/">Folk Song Association</a>' in html
    assert "2020–2023" in html


def test_members_list_follows_vietnamese_alphabetical_order(root):
    html = read(root, "don-vi/index.html")
    names = re.findall(r'<th scope="row"><a href="/don-vi/[^"]+/">([^<]+)</a>', html)
    assert names == ["Hội An toàn", "Hội Ăn uống", "Hội Âm nhạc", "Hội Dân ca", "Hội Đàn bầu"]
    assert names != sorted(names), "code-point order would differ"
    assert sorted(["Âm nhạc", "Ăn uống"], key=collation_key) == ["Ăn uống", "Âm nhạc"]
    assert "(đã rời Khối)" in html


def test_pledge_page_has_date_place_head_and_linked_signatories(root):
    vi = read(root, "giao-uoc/2024/index.html")
    assert '<time datetime="2024-03-01">01/03/2024</time>' in vi
    assert "Thái Nguyên" in vi
    assert '<a href="/don-vi/an-toan/">Hội An toàn</a></dd>' in vi
    assert '<a href="/don-vi/an-uong/">Hội Ăn uống</a></dd>' in vi
    assert "4 đơn vị ký Giao ước thi đua năm 2024" in vi
    en = read(root, "en/pledges/2024/index.html")
    assert '<time datetime="2024-03-01">1 March 2024</time>' in en
    assert "Solidarity and creativity" in en and "Emulate to fulfil the tasks." in en
    assert 'hreflang="vi" href="https://example.org/giao-uoc/2024/"' in en


def test_a_pledges_sections_can_be_linked_to_by_their_words(root):
    assert '<h2 id="noi-dung">Nội dung</h2>' in read(root, "giao-uoc/2024/index.html")
    assert '<h2 id="contents">Contents</h2>' in read(root, "en/pledges/2024/index.html")


def test_a_pledge_heading_named_like_the_signatories_gets_an_id_of_its_own(root):
    edit(root, "content/pledges/2024.vi.md", "## Nội dung", "## Ký kết\n\nCác đơn vị cùng ký.\n\n## Nội dung")
    build_site(root)
    page = read(root, "giao-uoc/2024/index.html")
    assert '<h2 id="ky-ket-2">Ký kết</h2>' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(ids)


def test_the_ids_a_body_heading_must_not_take_are_those_of_the_layouts_that_show_a_body(root):
    from sitegen.markup import LAYOUT_IDS

    layouts = root / "layouts"
    showing = [path for path in layouts.glob("*.html") if re.search(r"body\(|body_html", path.read_text("utf-8"))]
    assert {path.name for path in showing} >= {"post.html", "page.html", "pledge.html"}
    # What they extend and include is on the page too.
    around = [layouts / "base.html", *(layouts / "partials").glob("*.html")]
    written = {i for path in [*showing, *around] for i in re.findall(r'\sid="([^"{]+)"', path.read_text("utf-8"))}
    assert written == LAYOUT_IDS


def test_pledges_and_results_have_a_print_stylesheet_for_a4(root):
    css = (root / "static/css/site.css").read_text(encoding="utf-8")
    section = css[css.index("/* == records == */") :]
    assert "@page { size: A4" in section
    printing = section[section.index("@media print") :]
    assert ".site-header nav" in printing and "display: none" in printing


def test_the_real_project_publishes_results_pledge_members_and_units_in_both_languages(project_copy):
    build_site(project_copy)
    for path in (
        "ket-qua/index.html",
        "ket-qua/2021/index.html",
        "en/results/2021/index.html",
        "giao-uoc/2021/index.html",
        "en/pledges/2021/index.html",
        "don-vi/index.html",
        "en/members/index.html",
        "don-vi/chu-thap-do/index.html",
        "en/members/chu-thap-do/index.html",
    ):
        assert (project_copy / "public" / path).is_file(), path
    pledge = read(project_copy, "giao-uoc/2021/index.html")
    assert "17 đơn vị ký Giao ước thi đua năm 2021" in pledge
    assert "10/03/2021" in pledge and "minh họa" in pledge
    results = read(project_copy, "en/results/2021/index.html")
    assert "illustrative" in results and len(ranking_rows(results)) == 17
    red_cross = read(project_copy, "don-vi/chu-thap-do/index.html")
    assert "Hội nghị triển khai Công tác Thi đua khen thưởng năm 2021" in red_cross
    menu = read(project_copy, "en/index.html")
    assert 'href="/en/results/"' in menu and 'href="/en/pledges/"' in menu and 'href="/en/members/"' in menu
