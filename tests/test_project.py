"""The real site, as shipped: the conference report in both languages and the about page."""

import re

from conftest import NOW

from sitegen.model import BuildOptions
from sitegen.pipeline import build

VI_POST = "tin-tuc/hoi-nghi-trien-khai-cong-tac-thi-dua-khen-thuong-nam-2021/index.html"
EN_POST = "en/news/conference-launching-2021-emulation-and-commendation-work/index.html"


def built(project_copy, tmp_path):
    build(project_copy, BuildOptions(now=NOW), output=tmp_path / "out")
    return lambda path: (tmp_path / "out" / path).read_text(encoding="utf-8")


def test_the_conference_report_is_published_in_vietnamese_with_its_full_text(project_copy, tmp_path):
    page = built(project_copy, tmp_path)(VI_POST)
    assert "Sáng ngày 10/3/2021, với vai trò là Trưởng khối thi đua, Hội Chữ thập đỏ tỉnh Thái Nguyên" in page
    assert "đồng chí Trần Văn Minh - Phó Trưởng ban Ban thi đua khen thưởng tỉnh" in page
    assert "17 đơn vị trong Khối đã cùng ký Giao ước thi đua năm 2021" in page
    assert "<strong>BAN BIÊN TẬP</strong>" in page
    assert "11/03/2021 08:36" in page
    assert "Truy cập nội dung luôn" not in page


def test_both_photo_captions_of_the_report_are_figures_in_both_languages(project_copy, tmp_path):
    read = built(project_copy, tmp_path)
    vi_captions = re.findall(r"<figcaption>(.*?)</figcaption>", read(VI_POST))
    en_captions = re.findall(r"<figcaption>(.*?)</figcaption>", read(EN_POST))
    assert "Ảnh: Đồng chí Trần Văn Minh phát biểu chỉ đạo tại Hội nghị" in vi_captions
    assert "Ảnh: Các đơn vị ký Giao ước Thi đua năm 2021 dưới sự chứng kiến của các vị đại biểu" in vi_captions
    assert len(vi_captions) == len(en_captions) == 3
    assert all(alt.strip() for alt in re.findall(r'<img[^>]*alt="([^"]*)"', read(EN_POST)))


def test_the_report_and_its_translation_link_to_each_other(project_copy, tmp_path):
    read = built(project_copy, tmp_path)
    assert f'href="/{EN_POST.removesuffix("index.html")}" hreflang="en"' in read(VI_POST)
    assert f'href="/{VI_POST.removesuffix("index.html")}" hreflang="vi"' in read(EN_POST)
    assert "11 March 2021" in read(EN_POST)


def test_the_about_page_exists_in_both_languages(project_copy, tmp_path):
    read = built(project_copy, tmp_path)
    assert "Hội Chữ thập đỏ tỉnh Thái Nguyên" in read("gioi-thieu-khoi-thi-dua/index.html")
    assert "<h1>About the bloc</h1>" in read("en/about/index.html")
