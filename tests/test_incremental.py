"""Page fingerprints: after an edit, only the pages whose inputs changed are rendered again."""

import os
import time

from conftest import NOW, edit

from sitegen.model import BuildOptions
from sitegen.pipeline import Caches, render_site

POST = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"
ABOUT = "gioi-thieu/index.html"
NEWS = "tin-tuc/index.html"


def render(root, caches):
    rendered = render_site(root, BuildOptions(now=NOW), caches=caches)
    caches = Caches(caches.sources, caches.bodies, rendered.prints)  # as if the output were written
    return rendered, caches


def test_an_edit_to_one_post_renders_that_post_again_but_not_unrelated_pages(site_root):
    _, caches = render(site_root, Caches.empty())
    edit(site_root, "content/news/hoi-nghi.vi.md", "Đoạn mở đầu", "Đoạn mở đầu đã sửa")
    rendered, _ = render(site_root, caches)
    assert "Đoạn mở đầu đã sửa" in rendered.files[POST].decode()
    assert ABOUT in rendered.kept and ABOUT not in rendered.files


def test_a_new_title_reaches_the_lists_that_show_the_post(site_root):
    _, caches = render(site_root, Caches.empty())
    post = "content/news/hoi-nghi.vi.md"
    edit(site_root, post, 'title: "Hội nghị thi đua năm 2021"', 'title: "Hội nghị mới"')
    edit(site_root, post, "summary:", "slug: hoi-nghi-thi-dua-nam-2021\nsummary:")
    rendered, _ = render(site_root, caches)
    assert "Hội nghị mới" in rendered.files[NEWS].decode()
    assert ABOUT in rendered.kept


def test_a_template_change_renders_every_page_again(site_root):
    first, caches = render(site_root, Caches.empty())
    edit(site_root, "layouts/base.html", "</body>", "<!-- đổi -->\n</body>")
    rendered, _ = render(site_root, caches)
    assert "<!-- đổi -->" in rendered.files[ABOUT].decode()
    assert rendered.kept == frozenset()
    assert rendered.files.keys() == first.files.keys()


def test_nothing_is_rendered_again_when_nothing_changed(site_root):
    first, caches = render(site_root, Caches.empty())
    again, _ = render(site_root, caches)
    pages = {name for name in first.files if name.endswith((".html", ".xml", ".txt"))}
    assert pages <= again.kept
    assert not pages & again.files.keys()


def test_pages_rendered_after_an_edit_match_a_fresh_render(site_root):
    _, caches = render(site_root, Caches.empty())
    edit(site_root, "content/news/chi-tieng-viet.vi.md", "chưa được dịch.", "chưa được dịch.\n\nThêm một câu.")
    rendered, _ = render(site_root, caches)
    fresh, _ = render(site_root, Caches.empty())
    assert rendered.files.items() <= fresh.files.items()
    assert rendered.kept == fresh.files.keys() - rendered.files.keys()


def test_the_source_cache_reads_only_changed_files_and_notices_removed_ones(site_root):
    from sitegen.config import load_config
    from sitegen.content import load_documents

    config = load_config(site_root)
    cache = {}
    first, _ = load_documents(config, cache=cache)
    about = site_root / "content/pages/gioi-thieu.vi.md"
    cache[str(about)] = cache[str(about)]._replace(read=(None, []))  # as if unreadable: a re-read brings it back
    checked_out = site_root / "content/news/hoi-nghi.en.md"  # a new time, the same bytes (as after a checkout)
    cache[str(checked_out)] = cache[str(checked_out)]._replace(read=(None, []))
    os.utime(checked_out, ns=(time.time_ns() + 10**12, time.time_ns() + 10**12))
    post = site_root / "content/news/nam-truoc.vi.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Tổng kết.", "Tổng kết năm."), encoding="utf-8")
    (site_root / "content/news/chi-tieng-viet.vi.md").unlink()
    second, _ = load_documents(config, cache=cache)
    bodies = {(d.stem, d.lang): d.body for d in second}
    assert bodies[("nam-truoc", "vi")] == "Tổng kết năm.\n"
    assert ("chi-tieng-viet", "vi") not in bodies
    assert ("gioi-thieu", "vi") not in bodies  # unchanged on disk, so taken from the cache
    assert ("hoi-nghi", "en") not in bodies  # its bytes unchanged, so taken from the cache too
    assert cache[str(checked_out)].stamp[0] == checked_out.stat().st_mtime_ns  # and known by its new time
    assert len(second) == len(first) - 3


def test_a_file_whose_bytes_the_build_already_digested_is_not_read_again_after_a_checkout(site_root, monkeypatch):
    from sitegen import content
    from sitegen.buildstate import input_files
    from sitegen.config import load_config

    config = load_config(site_root)
    cache = {}
    content.load_documents(config, cache=cache)
    later = time.time_ns() + 10**12
    for path in (site_root / "content").rglob("*.md"):
        os.utime(path, ns=(later, later))  # a checkout: every file has a new time, the same bytes
    post = site_root / "content/news/nam-truoc.vi.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Tổng kết.", "Tổng kết năm."), encoding="utf-8")
    read, read_if_changed = [], content._read_if_changed
    monkeypatch.setattr(content, "_read_if_changed", lambda c, files: read.extend(files) or read_if_changed(c, files))
    documents, _ = content.load_documents(config, cache=cache, inputs=input_files(config))
    assert [path for path, _, _ in read] == [post]  # the edited file alone; the others' digests were known
    assert {d.body for d in documents if (d.stem, d.lang) == ("nam-truoc", "vi")} == {"Tổng kết năm.\n"}
    assert all(kept.stamp[0] == later for name, kept in cache.items() if name != str(post))


def test_a_new_photo_renders_again_only_the_pages_that_show_it(site_root):
    import shutil

    _, caches = render(site_root, Caches.empty())
    shutil.copy(site_root / "content/images/anh.jpg", site_root / "content/images/moi.jpg")
    rendered, _ = render(site_root, caches)
    assert {POST, ABOUT, NEWS} <= rendered.kept


def test_a_template_may_name_only_files_of_static(site_root):
    import pytest

    from sitegen.errors import BuildError

    edit(site_root, "layouts/page.html", "{% block main %}", "{% block main %}{{ asset('images/anh.jpg') }}")
    with pytest.raises(BuildError) as caught:
        render(site_root, Caches.empty())
    [error] = caught.value.errors
    assert error.file == "layouts/page.html"
    assert "no such file in static/" in error.message


def test_a_rebuild_in_the_same_process_reads_only_the_outlines_of_new_bodies(site_root, monkeypatch):
    from sitegen import buildstate
    from sitegen.buildstate import SqliteBodies

    caches = Caches({}, SqliteBodies(site_root / "bodies.sqlite"), {})
    read, unpickled = [], buildstate._unpickled

    def outline_counted(data):
        found = unpickled(data)
        if isinstance(found, tuple):  # an outline (with its errors), not a page's HTML
            read.append(found)
        return found

    monkeypatch.setattr(buildstate, "_unpickled", outline_counted)
    first, caches = render(site_root, caches)
    assert len(read) == len(set(first.bodies.keys_by_doc.values()))  # the first build reads every body's outline
    read.clear()
    edit(site_root, "content/news/chi-tieng-viet.vi.md", "chưa được dịch.", "chưa được dịch.\n\nThêm một câu.")
    again, _ = render(site_root, caches)
    assert len(read) == 1  # serve's rebuild after an edit: the edited body's alone
    fresh, _ = render(site_root, Caches({}, SqliteBodies(site_root / "other.sqlite"), {}))
    assert again.files.items() <= fresh.files.items()  # and the pages are those a fresh render makes
