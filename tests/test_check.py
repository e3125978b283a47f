"""`check`: build's validation plus translations, photos and published addresses, reported by file."""

import os
import subprocess
import time

import pytest
from conftest import NOW, Seen, build_site, edit, write
from PIL import Image

from sitegen.check import check_site, format_report
from sitegen.cli import main

POST = "content/news/hoi-nghi.vi.md"


def check(root, *args):
    return main(["check", "--root", str(root), *args])


def findings(root):
    return [(f.severity, f.problem.file, f.problem.message) for f in check_site(root, NOW)]


def test_the_fixture_site_passes_the_strict_check(site_root, capsys):
    assert check(site_root, "--strict") == 0
    assert "Check: 0 errors, 0 warnings" in capsys.readouterr().out


def test_errors_that_build_finds_are_reported_and_fail_the_check(site_root, capsys):
    edit(site_root, POST, "date: 2021-03-11 08:36", "date: 2021-13-45")
    assert check(site_root) == 1
    out = capsys.readouterr().out
    assert "content/news/hoi-nghi.vi.md\n  error (line 3): 'date' is not a valid date: '2021-13-45'" in out


def test_a_link_to_a_missing_content_file_is_an_error(site_root, capsys):
    edit(site_root, POST, "(chi-tieng-viet.vi.md)", "(bai-da-xoa.vi.md)")
    assert check(site_root) == 1
    assert "error (line 16): link to a missing file: bai-da-xoa.vi.md" in capsys.readouterr().out


def test_a_missing_photo_and_a_photo_without_alt_text_are_errors(site_root):
    edit(site_root, POST, "(images/anh.jpg", "(images/khong-co.jpg")
    write(
        site_root, "content/news/khong-alt.vi.md", "---\ntitle: Ảnh\ndate: 2021-02-01\n---\n\n![](../images/anh.jpg)\n"
    )
    found = findings(site_root)
    assert ("error", POST, "image not found: images/khong-co.jpg") in found
    assert ("error", "content/news/khong-alt.vi.md", "the image ../images/anh.jpg has no alt text") in found


def test_an_oversize_photo_is_a_warning_that_fails_only_the_strict_check(site_root, capsys):
    Image.new("RGB", (4500, 100), "white").save(site_root / "content/images/toan-canh.jpg")
    assert check(site_root) == 0
    assert check(site_root, "--strict") == 1
    out = capsys.readouterr().out
    assert "content/images/toan-canh.jpg\n  warning: the photo is too large: 4500×100 px (limit 4000 px)" in out
    assert "shrink it to at most 2400 px" in out


def test_a_heavy_photo_file_is_a_warning(site_root):
    heavy = site_root / "content/images/nang.png"
    Image.frombytes("RGB", (1000, 1100), os.urandom(1000 * 1100 * 3)).save(heavy)
    assert ("warning", "content/images/nang.png", "the photo is too large: 3.3 MB (limit 3 MB)") in [
        (s, f, m.replace(f"{heavy.stat().st_size / 1e6:.1f}", "3.3")) for s, f, m in findings(site_root)
    ]


def test_build_records_published_addresses_and_a_changed_slug_is_an_error(site_root, capsys):
    build_site(site_root)
    record = (site_root / "published-urls.txt").read_text(encoding="utf-8")
    assert "content/news/hoi-nghi.vi.md tin-tuc/hoi-nghi-thi-dua-nam-2021/" in record
    assert "ban-nhap" not in record  # drafts are not published
    edit(site_root, POST, 'title: "Hội nghị thi đua năm 2021"', 'title: "Hội nghị thi đua 2021"')
    assert check(site_root) == 1
    out = capsys.readouterr().out
    assert (
        "error (line 2): the address of this published page changed from "
        "/tin-tuc/hoi-nghi-thi-dua-nam-2021/ to /tin-tuc/hoi-nghi-thi-dua-2021/" in out
    )
    assert "'slug: hoi-nghi-thi-dua-nam-2021'" in out


def test_the_suggested_slug_keeps_the_old_address(site_root):
    build_site(site_root)
    edit(
        site_root,
        POST,
        'title: "Hội nghị thi đua năm 2021"',
        'title: "Hội nghị thi đua 2021"\nslug: hoi-nghi-thi-dua-nam-2021',
    )
    assert not [f for f in findings(site_root) if f[0] == "error"]


def test_a_later_build_does_not_silently_accept_a_changed_address(site_root):
    build_site(site_root)
    edit(site_root, POST, 'title: "Hội nghị thi đua năm 2021"', 'title: "Hội nghị thi đua 2021"')
    build_site(site_root)
    assert "tin-tuc/hoi-nghi-thi-dua-nam-2021/" in (site_root / "published-urls.txt").read_text(encoding="utf-8")
    assert any("address of this published page changed" in m for _, _, m in findings(site_root))


def test_a_removed_published_page_is_a_warning(site_root):
    build_site(site_root)
    (site_root / "content/news/nam-truoc.vi.md").unlink()
    assert (
        "warning",
        "content/news/nam-truoc.vi.md",
        "the published page /tin-tuc/tong-ket-nam-2020/ is gone: the file was removed, renamed or made a draft",
    ) in findings(site_root)


def test_missing_translations_are_listed_without_failing(site_root, capsys):
    assert check(site_root, "--strict") == 0
    out = capsys.readouterr().out
    assert "content/news/chi-tieng-viet.vi.md\n" in out
    assert "note: translation (English): missing" in out
    assert "ban-nhap.vi.md" not in out  # a draft's translation is not due yet


def test_a_translation_older_than_its_vietnamese_file_is_stale(site_root):
    now = time.time()
    os.utime(site_root / "content/news/hoi-nghi.en.md", (now - 3600, now - 3600))
    os.utime(site_root / POST, (now, now))
    stale = [m for s, f, m in findings(site_root) if f == "content/news/hoi-nghi.en.md" and "stale" in m]
    assert stale and stale[0].startswith("translation (English): stale, content/news/hoi-nghi.vi.md changed on")


def git(root, *args, when):
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    env |= {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_staleness_follows_commit_dates_not_checkout_times(site_root):
    git(site_root, "init", "-q", when="2021-03-01T00:00:00")
    git(site_root, "add", ".", when="2021-03-01T00:00:00")
    git(site_root, "commit", "-qm", "both", when="2021-03-01T00:00:00")
    os.utime(site_root / POST, (time.time() + 60, time.time() + 60))  # a fresh checkout: times mean nothing
    assert not [m for _, _, m in findings(site_root) if "stale" in m]
    edit(site_root, POST, "Đoạn mở đầu", "Đoạn mở đầu đã sửa")
    git(site_root, "commit", "-qam", "vi changed", when="2021-03-05T00:00:00")
    os.utime(site_root / "content/news/hoi-nghi.en.md", (time.time() + 120, time.time() + 120))
    stale = [m for _, f, m in findings(site_root) if "stale" in m]
    assert stale == [
        "translation (English): stale, content/news/hoi-nghi.vi.md changed on 2021-03-05 00:00 UTC,"
        " after this translation (2021-03-01 00:00 UTC)"
    ]


def test_a_change_to_inherited_fields_only_does_not_make_the_translation_stale(site_root):
    git(site_root, "init", "-q", when="2021-03-01T00:00:00")
    git(site_root, "add", ".", when="2021-03-01T00:00:00")
    git(site_root, "commit", "-qm", "both", when="2021-03-01T00:00:00")
    edit(site_root, POST, "tags: [Thi đua khen thưởng, Hội nghị]", "tags: [Hội nghị]")
    git(site_root, "commit", "-qam", "vi tags changed", when="2021-03-05T00:00:00")
    assert not [m for _, _, m in findings(site_root) if "stale" in m]
    edit(site_root, POST, 'summary: "Tóm tắt hội nghị."', 'summary: "Tóm tắt mới."')
    git(site_root, "commit", "-qam", "vi summary changed", when="2021-03-06T00:00:00")
    assert [f for _, f, m in findings(site_root) if "stale" in m] == ["content/news/hoi-nghi.en.md"]


def test_the_report_groups_findings_under_each_file_errors_first(site_root):
    edit(site_root, POST, "(chi-tieng-viet.vi.md)", "(mat.vi.md)")
    Image.new("RGB", (4100, 10), "white").save(site_root / "content/images/rong.jpg")
    report = format_report(check_site(site_root, NOW))
    assert report.count("content/news/hoi-nghi.vi.md\n") == 1
    block = report.split("content/news/hoi-nghi.vi.md\n", 1)[1].split("\n\n", 1)[0]
    assert block.startswith("  error (line 16): link to a missing file: mat.vi.md")
    assert report.endswith("Check: 1 error, 1 warning, 10 notes.")


def test_check_writes_nothing_to_the_output_folder(site_root):
    check(site_root)
    assert not (site_root / "public").exists()
    assert not (site_root / "published-urls.txt").exists()


def test_a_translation_marked_draft_is_noted_though_the_build_leaves_it_out(site_root):
    edit(site_root, "content/news/hoi-nghi.en.md", 'title: "Emulation', 'draft: true\ntitle: "Emulation')
    assert ("note", "content/news/hoi-nghi.en.md", "translation (English): draft, not published") in findings(site_root)


def test_a_missing_cover_photo_is_an_error_at_its_line_with_a_hint(site_root, capsys):
    edit(site_root, POST, "src: images/anh.jpg", "src: images/khong-co.jpg")
    assert check(site_root) == 1
    out = capsys.readouterr().out
    assert "error (line 7): cover image not found: images/khong-co.jpg" in out
    assert "put the photo in content/images/" in out


def test_check_computes_no_page_fingerprints_when_no_build_has_left_any(site_root, monkeypatch):
    from sitegen import templates

    computed, fingerprints = Seen(), templates.page_fingerprints

    def counted(*args):
        computed.append(1)
        return fingerprints(*args)

    monkeypatch.setattr(templates, "page_fingerprints", counted)
    assert check(site_root, "--strict") == 0
    assert computed == []
    build_site(site_root)
    assert computed == [1]


@pytest.fixture
def rendered(monkeypatch) -> Seen:
    """The pages the real templates render from now on, in this process or a build's own (check works in
    this one process, quicker for the fixture site)."""
    from sitegen import check, templates

    monkeypatch.setattr(check, "default_jobs", lambda: 1)
    pages, render = Seen(), templates.render_chunk

    def counted(renderer, chunk):
        pages.extend(page.path for page in chunk)
        return render(renderer, chunk)

    monkeypatch.setattr(templates, "render_chunk", counted)
    return pages


def test_after_a_build_check_renders_no_page_when_nothing_changed(site_root, rendered):
    build_site(site_root)
    assert rendered
    rendered.clear()
    assert check(site_root, "--strict") == 0
    assert rendered == []


def test_after_a_build_check_renders_only_the_pages_an_edit_affects(site_root, rendered):
    check_site(site_root, NOW)
    every_page = set(rendered)
    build_site(site_root)
    edit(site_root, POST, "Đoạn mở đầu", "Đoạn mở đầu mới")
    rendered.clear()
    check_site(site_root, NOW)
    post_page = next(path for path in every_page if "hoi-nghi" in path and not path.startswith("en/"))
    assert post_page in rendered
    assert set(rendered) < every_page


def test_after_a_build_check_still_finds_the_error_a_changed_layout_brings(site_root, capsys):
    build_site(site_root)
    edit(site_root, "layouts/post.html", "{% block main %}", "{% block main %}{{ no_such_value }}")
    assert check(site_root) == 1
    out = capsys.readouterr().out
    assert "layouts/post.html" in out
    assert "no_such_value" in out


def test_a_check_for_another_address_than_the_last_builds_renders_every_page(site_root, rendered):
    check_site(site_root, NOW)
    every_page = sorted(rendered)
    build_site(site_root)
    rendered.clear()
    check_site(site_root, NOW, base_url="https://thu.example.org/khoi-thi-dua/")
    assert sorted(rendered) == every_page


def test_build_and_check_read_each_content_file_once_between_them(site_root, monkeypatch):
    from sitegen import check, content

    monkeypatch.setattr(check, "default_jobs", lambda: 1)
    read, read_source = Seen(), content._read_source

    def counted(path, *rest, **named):
        read.append(path.relative_to(site_root).as_posix())
        return read_source(path, *rest, **named)

    monkeypatch.setattr(content, "_read_source", counted)
    check_site(site_root, NOW)
    assert POST in read
    read.clear()
    build_site(site_root)  # as the deploy workflow runs them: check, then build
    assert read == []
    edit(site_root, POST, "Đoạn mở đầu", "Đoạn mở đầu mới")
    check_site(site_root, NOW)
    assert read == [POST]
