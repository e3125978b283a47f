"""`new` writes a post or translation that builds, with its front matter filled in, and never overwrites."""

import re
from datetime import UTC, datetime, timedelta

from conftest import build_site, read, write

from sitegen.cli import main

TITLE = "Hội nghị sơ kết: 6 tháng “đầu” năm 2024"
FILE = "content/news/hoi-nghi-so-ket-6-thang-dau-nam-2024.vi.md"


def new(root, *args):
    return main(["new", *args, "--root", str(root)])


def test_new_post_gets_a_file_named_after_its_title_with_front_matter_filled_in(site_root, capsys):
    assert new(site_root, "news", TITLE) == 0
    text = (site_root / FILE).read_text(encoding="utf-8")
    assert f"title: {TITLE!r}".replace("'", '"') in text
    assert 'author: "Ban Biên tập"' in text
    assert "draft: true" in text
    assert f"Created {FILE}" in capsys.readouterr().out


def test_new_post_is_dated_now_in_vietnam_time(site_root):
    before = datetime.now(UTC).replace(microsecond=0)
    new(site_root, "news", TITLE)
    stamp = re.search(r"^date: (.+)$", (site_root / FILE).read_text(encoding="utf-8"), re.M).group(1)
    assert stamp.endswith("+07:00")
    assert before <= datetime.fromisoformat(stamp) <= datetime.now(UTC) + timedelta(seconds=1)


def test_new_post_is_utf8_without_bom_with_unix_line_ends(site_root):
    new(site_root, "news", "Tập huấn nghiệp vụ")
    data = (site_root / "content/news/tap-huan-nghiep-vu.vi.md").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in data
    assert "Tập huấn nghiệp vụ".encode() in data


def test_new_post_builds_as_a_draft_shown_only_in_preview(site_root):
    new(site_root, "news", TITLE)
    build_site(site_root, now=datetime.now(UTC) + timedelta(minutes=1))
    assert not (site_root / "public/tin-tuc/hoi-nghi-so-ket-6-thang-dau-nam-2024").exists()
    build_site(site_root, now=datetime.now(UTC) + timedelta(minutes=1), drafts=True)
    assert TITLE in read(site_root, "tin-tuc/hoi-nghi-so-ket-6-thang-dau-nam-2024/index.html")


def test_new_never_overwrites_an_existing_file(site_root, capsys):
    existing = write(site_root, FILE, "---\ntitle: Bài cũ\ndate: 2021-01-01\n---\n\nNội dung cũ.\n")
    assert new(site_root, "news", TITLE) == 1
    assert existing.read_text(encoding="utf-8").endswith("Nội dung cũ.\n")
    assert "this file already exists; nothing was changed" in capsys.readouterr().err


def test_new_page_goes_to_pages_without_a_date(site_root):
    assert new(site_root, "page", "Liên hệ") == 0
    text = (site_root / "content/pages/lien-he.vi.md").read_text(encoding="utf-8")
    assert "date:" not in text
    build_site(site_root, drafts=True)
    assert "Liên hệ" in read(site_root, "lien-he/index.html")


def test_translate_creates_the_english_file_with_the_fields_to_translate_marked(site_root):
    assert new(site_root, "news", "--translate", "chi-tieng-viet") == 0
    text = (site_root / "content/news/chi-tieng-viet.en.md").read_text(encoding="utf-8")
    assert '# TRANSLATE ↓\ntitle: "Bài chỉ có tiếng Việt"' in text
    assert "# TRANSLATE ↓\nsummary:" in text
    assert "draft: true" in text
    assert "Nội dung chưa được dịch." in text
    assert "date:" not in text  # inherited from the Vietnamese file


def test_translate_marks_the_cover_text_and_the_translation_builds(site_root):
    (site_root / "content/news/hoi-nghi.en.md").unlink()
    assert new(site_root, "news", "--translate", "hoi-nghi") == 0
    text = (site_root / "content/news/hoi-nghi.en.md").read_text(encoding="utf-8")
    assert 'cover:\n  # TRANSLATE ↓\n  alt: "Toàn cảnh hội nghị"\n  # TRANSLATE ↓\n  caption: "Ảnh: Toàn cảnh"' in text
    build_site(site_root, drafts=True)
    assert 'hreflang="en"' in read(site_root, "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html")


def test_translate_of_an_unknown_post_suggests_the_closest_name(site_root, capsys):
    assert new(site_root, "news", "--translate", "hoi-nghj") == 1
    err = capsys.readouterr().err
    assert "content/news/hoi-nghj.vi.md: there is no such file to translate" in err
    assert "did you mean 'hoi-nghi'?" in err


def test_new_needs_a_title_or_translate(site_root, capsys):
    assert new(site_root, "news") == 1
    assert "give either a title or --translate STEM" in capsys.readouterr().err
