"""Each heading of a body gets an id from its words, so that readers can link to a section."""

from __future__ import annotations

import re

from conftest import build_site, read, write

POST = "content/news/muc-luc.vi.md"
PAGE = "tin-tuc/muc-luc/index.html"


def headings(site_root, body: str) -> list[tuple[str, str]]:
    """(tag, id) of each heading on the built page of a post with this body."""
    write(site_root, POST, f"---\ntitle: Mục lục\ndate: 2021-04-01\n---\n\n{body}\n")
    build_site(site_root)
    article = read(site_root, PAGE).split('<div class="body">', 1)[1]
    return re.findall(r'<(h[1-6]) id="([^"]*)"', article)


def test_a_heading_is_named_by_its_words_without_diacritics(site_root):
    body = "## Mục đích\n\nĐoạn.\n\n### Chấm điểm và đánh giá\n\nĐoạn."
    assert headings(site_root, body) == [("h2", "muc-dich"), ("h3", "cham-diem-va-danh-gia")]


def test_the_same_words_again_get_a_number_and_an_id_written_by_the_editor_stays(site_root):
    body = "## Kết quả\n\n## Kết quả\n\n## Riêng {: #ket-qua-3 }\n\n## Kết quả\n\n## Đặt tên {: #ket-qua }"
    # The editor's ids are kept, and no other heading takes them.
    assert headings(site_root, body) == [
        ("h2", "ket-qua-2"),
        ("h2", "ket-qua-4"),
        ("h2", "ket-qua-3"),
        ("h2", "ket-qua-5"),
        ("h2", "ket-qua"),
    ]


def test_markup_inside_a_heading_is_read_as_its_words(site_root):
    body = "## Hội *Chữ thập đỏ* và `mã` <span>thẻ</span>\n\n## !!!\n\n> ## Trong trích dẫn"
    assert headings(site_root, body) == [
        ("h2", "hoi-chu-thap-do-va-ma-the"),
        ("h2", "muc"),
        ("h2", "trong-trich-dan"),
    ]


def test_a_heading_does_not_take_the_id_of_the_pages_main_area(site_root):
    # The skip link leads to id="main": a heading "Main" must not be found there first.
    assert headings(site_root, "## Main\n\nĐoạn.") == [("h2", "main-2")]
