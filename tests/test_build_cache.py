"""A build reuses what the last one left in .cache/build, and its output is the same bytes as a cold build."""

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, Seen, build_site, bundle_edit, count_conversions, edit, index_entries, set_config, write
from test_site import tree_bytes

from sitegen.buildstate import CACHE

POST = "content/news/hoi-nghi.vi.md"
SHARED = {"sources.pickle", "inputs.pickle"}  # the caches every build and check share; the others are per output


def cold_build(root, tmp_path, now=NOW, **options):
    """The same project copied without its output or cache, built from nothing."""
    copy = tmp_path / "cold"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("public", ".cache", ".public.*"))
    build_site(copy, now=now, **options)
    return tree_bytes(copy / "public")


def _smaller_photo(path):
    """The same photo at half its size, as JPEG bytes."""
    import io

    from PIL import Image

    with Image.open(path) as image:
        small = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
        out = io.BytesIO()
        small.convert("RGB").save(out, "JPEG")
    return out.getvalue()


def stamps(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_with_nothing_changed_writes_nothing(site_root):
    build_site(site_root)
    before = stamps(site_root / "public")
    build_site(site_root)
    assert stamps(site_root / "public") == before


def test_the_cache_is_kept_in_the_projects_cache_folder(site_root):
    build_site(site_root)
    kept = {p.name for p in (site_root / CACHE).iterdir()}
    assert "bodies.sqlite" in kept
    assert any(name.endswith(".pickle") for name in kept)


CHANGES = {
    "a post's text": lambda root: edit(root, POST, "Đoạn mở đầu", "Đoạn mở đầu đã sửa"),
    "a post's title": lambda root: edit(root, POST, 'title: "Hội nghị thi đua năm 2021"', 'title: "Hội nghị mới"'),
    "a new post": lambda root: write(
        root, "content/news/bai-moi.vi.md", "---\ntitle: Bài mới\ndate: 2025-05-05\ntags: [Hội nghị]\n---\nNội dung.\n"
    ),
    "a removed post": lambda root: (root / "content/news/nam-truoc.vi.md").unlink(),
    "a removed translation": lambda root: (root / "content/news/hoi-nghi.en.md").unlink(),
    "a layout": lambda root: edit(root, "layouts/base.html", "</body>", "<!-- đổi -->\n</body>"),
    "the settings": lambda root: set_config(root, home_posts=1),
    "a stylesheet": lambda root: (root / "static/css/site.css").write_text("body { color: #111 }\n", encoding="utf-8"),
    "the address of a linked post": lambda root: edit(
        root, "content/news/chi-tieng-viet.vi.md", "date: 2021-06-01", "date: 2021-06-01\nslug: dia-chi-moi"
    ),
    "a photo replaced": lambda root: (root / "content/images/anh.jpg").write_bytes(
        _smaller_photo(root / "content/images/anh.jpg")
    ),
    "a new photo": lambda root: (
        shutil.copy(root / "content/images/anh.jpg", root / "content/images/anh-2.jpg"),
        edit(root, POST, "Đoạn mở đầu", "![Ảnh mới](../images/anh-2.jpg)\n\nĐoạn mở đầu"),
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_a_change_the_cached_build_equals_a_cold_build(site_root, tmp_path, change):
    build_site(site_root)
    CHANGES[change](site_root)
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_later_list_page_follows_the_other_languages_list_when_that_list_goes(site_root, tmp_path):
    # The tag's second Vietnamese page has no English twin: its language switch goes to the English
    # tag's first page, until the only English post with the tag is removed: then it says so.
    set_config(site_root, per_page=1, list_untranslated=False)
    build_site(site_root)
    page = site_root / "public/the/thi-dua-khen-thuong/trang/2/index.html"
    assert 'href="/en/tags/emulation-and-commendation/"' in page.read_text(encoding="utf-8")
    (site_root / "content/news/hoi-nghi.en.md").unlink()
    build_site(site_root)
    assert '<span class="no-translation">English: chưa có bản dịch</span>' in page.read_text(encoding="utf-8")
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_an_edit_rewrites_only_the_files_it_affects(site_root):
    build_site(site_root)
    before = stamps(site_root / "public")
    CHANGES["a post's text"](site_root)
    build_site(site_root)
    after = stamps(site_root / "public")
    rewritten = {str(name) for name in before if after.get(name) != before[name]}
    assert "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html" in rewritten
    assert "gioi-thieu/index.html" not in rewritten
    assert "en/about/index.html" not in rewritten
    assert len(rewritten) < len(before) / 2


def test_a_scheduled_post_appears_when_its_day_comes(site_root, tmp_path):
    build_site(site_root)
    later = NOW + timedelta(days=3650)
    build_site(site_root, now=later)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path, now=later)


def test_a_file_changed_or_deleted_by_hand_in_the_output_is_written_again(site_root, tmp_path):
    build_site(site_root)
    (site_root / "public/gioi-thieu/index.html").write_text("sửa tay", encoding="utf-8")
    (site_root / "public/en/about/index.html").unlink()
    (site_root / "public/pagefind/pagefind-entry.json").write_text("{}", encoding="utf-8")
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_damaged_cache_only_means_a_full_build(site_root, tmp_path):
    build_site(site_root)
    CHANGES["a post's text"](site_root)
    for path in (site_root / CACHE).iterdir():
        path.write_bytes(b"not a cache")
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_build_with_other_options_into_the_same_folder_is_not_mistaken_for_ours(site_root, tmp_path):
    build_site(site_root)
    build_site(site_root, drafts=True)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path, drafts=True)
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_failed_build_after_a_cached_one_leaves_the_output_and_the_next_build_recovers(site_root, tmp_path):
    build_site(site_root)
    before = tree_bytes(site_root / "public")
    CHANGES["a post's text"](site_root)
    write(site_root, "content/news/hong.vi.md", "---\ntitle: Hỏng\ndate: ngày mai\n---\n")
    with pytest.raises(Exception, match="not a valid date"):
        build_site(site_root)
    assert tree_bytes(site_root / "public") == before
    (site_root / "content/news/hong.vi.md").unlink()
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_file_saved_again_without_changes_rewrites_nothing(site_root):
    build_site(site_root)
    before = stamps(site_root / "public")
    post = site_root / POST
    post.write_bytes(post.read_bytes())  # a new modification time, the same text
    build_site(site_root)
    assert stamps(site_root / "public") == before


def test_a_rebuild_with_nothing_changed_reports_the_same_summary(site_root):
    first = build_site(site_root)
    again = build_site(site_root)
    assert (again.pages_per_language, again.files) == (first.pages_per_language, first.files)
    assert first.summary().startswith("Built ")
    assert again.summary().startswith("Nothing changed since the last build: ")


# In the fixture's three bundles, the post only in Vietnamese is in the main one, and POST is not.
IN_BUNDLES = {
    **CHANGES,
    "a post in the main bundle": lambda root: edit(
        root, "content/news/chi-tieng-viet.vi.md", "Nội dung chưa được dịch.", "Nội dung đã sửa."
    ),
}


@pytest.mark.parametrize("change", ["a post's text", "a post in the main bundle", "a new post", "a removed post"])
def test_with_the_index_in_several_bundles_the_cached_build_equals_a_cold_build(site_root, tmp_path, change):
    set_config(site_root, search_bundle_pages=2)
    build_site(site_root)
    assert (site_root / "public/pagefind/more-1/pagefind-entry.json").is_file()
    IN_BUNDLES[change](site_root)
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


@pytest.mark.parametrize(
    "post, page",
    [
        (POST, "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"),  # in another bundle than the main one
        ("content/news/chi-tieng-viet.vi.md", "tin-tuc/bai-chi-co-tieng-viet/index.html"),  # in the main one
    ],
)
def test_after_an_edit_the_build_moves_in_only_the_search_files_that_differ(site_root, tmp_path, post, page):
    from sitegen.search import bundle_of

    set_config(site_root, search_bundle_pages=2)
    build_site(site_root)
    index = site_root / "public/pagefind"
    count = 1 + len(list(index.glob("more-*")))
    assert count > 2, "the index has several bundles"
    before = index_entries(index)
    with (site_root / post).open("a", encoding="utf-8") as file:
        file.write("\n\nMột câu khinhkhícầu mới.\n")
    build_site(site_root)
    # Only the edited page's bundle changed, and of its files only those whose bytes differ: the folders,
    # the other bundles and the unchanged fragments and chunks are the same files.
    assert bundle_edit(before, index_entries(index), bundle_of(page, count)) == ""
    assert not list(index.glob("**/.*")) and not list(site_root.glob(".public*"))
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)
    # The build's record of the output knows the files moved in: the next build finds nothing to do.
    assert build_site(site_root).unchanged


def test_a_build_stopped_while_it_moves_search_files_in_leaves_an_output_the_next_build_replaces(
    site_root, tmp_path, monkeypatch
):
    from sitegen import search

    set_config(site_root, search_bundle_pages=2)
    build_site(site_root)
    real_replace = search.os.replace

    def stopped_at_the_entry(source, target):  # Ctrl+C as the bundle's new entry is about to go live
        if Path(target).name == "pagefind-entry.json":
            raise KeyboardInterrupt
        real_replace(source, target)

    with (site_root / POST).open("a", encoding="utf-8") as file:
        file.write("\n\nMột câu khinhkhícầu mới.\n")
    with monkeypatch.context() as stopped:
        stopped.setattr(search.os, "replace", stopped_at_the_entry)
        with pytest.raises(KeyboardInterrupt):
            build_site(site_root)
    # What was half moved in is the build's own: the next build takes the output over, as a cold build makes it.
    build_site(site_root)
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_cache_left_by_another_version_of_the_generator_is_not_used(site_root, monkeypatch):
    from sitegen import buildstate

    first = build_site(site_root)
    [saved] = [p for p in (site_root / CACHE).glob("*.pickle") if p.name not in SHARED]
    state = buildstate.load_state(saved)
    state.summary = ((("vi", 999),), 1)  # what a trusted cache would report, nothing having changed
    buildstate.save_state(saved, state)
    assert build_site(site_root).pages_per_language == {"vi": 999}
    with monkeypatch.context() as older:
        older.setattr(buildstate, "GENERATOR", "an older version")
        buildstate.save_state(saved, state)
    assert build_site(site_root).pages_per_language == first.pages_per_language
    assert len([p for p in (site_root / CACHE).glob("*.pickle") if p.name not in SHARED]) == 1


UNPICKLED = []


def note_unpickled():
    UNPICKLED.append("unpickled")


class Unpickled:
    """Notes each time it is unpickled."""

    def __reduce__(self):
        return (note_unpickled, ())


def test_another_versions_cache_is_not_unpickled_beyond_its_header(site_root, monkeypatch):
    from sitegen import buildstate
    from sitegen.config import load_config

    config = load_config(site_root)
    with monkeypatch.context() as older:
        older.setattr(buildstate, "GENERATOR", "an older version")
        buildstate.save_sources(buildstate.sources_file(config), config, {"content/news/x.md": Unpickled()})
    UNPICKLED.clear()
    assert buildstate.load_sources(buildstate.sources_file(config), config) == {}
    assert UNPICKLED == []  # 190 MB at 10,000 posts, read for nothing, would be the build's high-water mark
    build_site(site_root)
    assert buildstate.load_sources(buildstate.sources_file(config), config)  # and the build left its own


def test_a_new_post_converts_only_its_own_markdown(site_root):
    from sitegen.markup import MemoryBodies
    from sitegen.model import BuildOptions
    from sitegen.pipeline import Caches, render_site

    store = MemoryBodies()
    render_site(site_root, BuildOptions(now=NOW), caches=Caches({}, store, {}))
    before = set(store)
    CHANGES["a new post"](site_root)
    render_site(site_root, BuildOptions(now=NOW), caches=Caches({}, store, {}))
    assert len(set(store) - before) == 1
    assert before <= set(store)


@pytest.mark.parametrize(
    "link",
    [
        "[bài kia][ref]\n\n[ref]: chi-tieng-viet.vi.md",
        "[bài kia](<chi-tieng-viet.vi.md>)",
        "[bài kia](chi-tieng-viet.vi.md#dau)",
    ],
)
def test_a_link_written_any_way_follows_the_new_address_of_its_target(site_root, tmp_path, link):
    write(site_root, "content/news/lien-ket.vi.md", f"---\ntitle: Liên kết\ndate: 2021-07-01\n---\n\n{link}\n")
    build_site(site_root)
    CHANGES["the address of a linked post"](site_root)
    build_site(site_root)
    assert "dia-chi-moi" in (site_root / "public/tin-tuc/lien-ket/index.html").read_text(encoding="utf-8")
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


@pytest.fixture
def converted(monkeypatch) -> Seen:
    """The files whose Markdown the real converter converts from now on (check runs in this one process)."""
    from sitegen import check

    return count_conversions(monkeypatch, check)


def test_a_build_after_check_converts_no_markdown_and_equals_a_cold_build(site_root, tmp_path, converted):
    from sitegen import check

    check.check_site(site_root, NOW)
    assert POST in converted
    converted.clear()
    build_site(site_root)  # as the deploy workflow runs them: check, then build
    assert converted == []
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_check_and_build_with_other_addresses_keep_each_others_converted_markdown(site_root, converted):
    from sitegen import check

    check.check_site(site_root, NOW, base_url="https://thu.example.org/khoi-thi-dua/")
    build_site(site_root)  # the address of site.yaml: every body converted for it
    assert POST in converted
    converted.clear()
    check.check_site(site_root, NOW, base_url="https://thu.example.org/khoi-thi-dua/")
    assert converted == []  # the check's own bodies were kept through the build


def test_the_markdown_store_keeps_as_many_unused_bodies_as_used_ones_the_newest(tmp_path):
    from sitegen.buildstate import SqliteBodies
    from sitegen.markup import Rendered

    store = SqliteBodies(tmp_path / "bodies.sqlite")
    for group in ("old", "used", "new"):
        store.add({f"{group}-{n}": (Rendered(f"<p>{group} {n}</p>", ()), []) for n in range(3)})
    store.retain({"used-0", "used-1", "used-2"})
    assert store.missing([f"{group}-{n}" for group in ("old", "used", "new") for n in range(3)]) == [
        "old-0",
        "old-1",
        "old-2",
    ]
    assert store.rendered("new-2").html == "<p>new 2</p>"
    store.add({"used-0": (Rendered("<p>used 0, converted again</p>", ()), [])})  # now the newest
    store.retain({"used-1", "used-2"})
    assert sorted(store.missing(["used-0", "new-0", "new-1", "new-2"])) == ["new-0", "new-1"]


def test_a_body_removed_by_another_run_while_a_build_reads_it_stops_the_build_clearly(site_root, monkeypatch):
    import sqlite3

    from sitegen.buildstate import BODIES, SqliteBodies
    from sitegen.errors import BuildError
    from sitegen.model import BuildOptions
    from sitegen.pipeline import build

    build_site(site_root)
    before = tree_bytes(site_root / "public")
    write(site_root, POST, read_text(site_root, POST) + "\nMột câu mới.\n")
    outline = SqliteBodies.outline

    def pruned_meanwhile(self, keys):
        found = outline(self, keys)
        with sqlite3.connect(site_root / BODIES) as other:  # another process's connection, pruning the store
            other.execute("DELETE FROM bodies")
        return found

    monkeypatch.setattr(SqliteBodies, "outline", pruned_meanwhile)
    with pytest.raises(BuildError) as raised:
        # Pages are rendered in worker processes: the error comes back from one with its details.
        build(site_root, BuildOptions(now=NOW, jobs=2), output=site_root / "public")
    (error,) = raised.value.errors
    assert error.file.endswith(".cache/build/bodies.sqlite")
    assert "removed from this cache while the build was reading it" in error.message
    assert "run this one again" in error.hint
    assert tree_bytes(site_root / "public") == before  # the failed build left the output as it was


def read_text(root, path):
    return (root / path).read_text(encoding="utf-8")


def test_a_fresh_checkout_with_the_last_deploys_cache_redoes_nothing_and_equals_a_cold_build(
    site_root, tmp_path, converted, monkeypatch
):
    from sitegen import check, content, images

    check.check_site(site_root, NOW)  # the last deploy, as the workflow runs it: check, then build
    build_site(site_root)
    last = site_root.rename(tmp_path / "last")
    # The next deploy's runner: the same folder, the files checked out anew (each with a new time),
    # and the cache that actions/cache restores (.cache and public/ as the last deploy left them).
    shutil.copytree(last, site_root, ignore=shutil.ignore_patterns("public", ".cache"), copy_function=shutil.copy)
    later = time.time_ns() + 3600 * 10**9
    for path in site_root.rglob("*"):
        os.utime(path, ns=(later, later))
    shutil.copytree(last / ".cache", site_root / ".cache")
    shutil.copytree(last / "public", site_root / "public")
    restored = stamps(site_root / "public")
    encoded, encode = Seen(), images._encode
    monkeypatch.setattr(images, "_encode", lambda source, *rest: encoded.append(source) or encode(source, *rest))
    parsed, parse = Seen(), content._read_source
    monkeypatch.setattr(content, "_read_source", lambda path, *rest: parsed.append(path) or parse(path, *rest))
    converted.clear()
    check.check_site(site_root, NOW)
    build_site(site_root)
    assert parsed == []  # no content file read again: their bytes are those read last time
    assert converted == [] and encoded == []  # no Markdown converted, no photo resized again
    # And no file written again: no page changed, and the copied files (styles, photos) are known by
    # their bytes, not by their new time.
    assert stamps(site_root / "public") == restored
    assert tree_bytes(site_root / "public") == cold_build(site_root, tmp_path)


def test_a_file_another_program_keeps_locked_does_not_stop_the_build(site_root, monkeypatch):
    from sitegen import buildstate

    locked = site_root / "content/news/~$bien-ban.docx"  # what Word leaves beside a document it has open
    locked.write_bytes(b"Word")
    digest = buildstate.file_digest_of

    def refused(stream):
        if stream.name == str(locked):
            raise PermissionError(13, "The process cannot access the file", stream.name)
        return digest(stream)

    monkeypatch.setattr(buildstate, "file_digest_of", refused)
    build_site(site_root)
    assert build_site(site_root).unchanged  # known by its time and size meanwhile
    locked.write_bytes(b"Word, saved")
    assert not build_site(site_root).unchanged


def test_a_fresh_checkout_with_nothing_changed_is_known_unchanged_by_the_bytes_of_its_files(site_root):
    build_site(site_root)
    before = stamps(site_root / "public")
    later = time.time_ns() + 3600 * 10**9
    for path in [site_root / "site.yaml", *(site_root / name for name in ("content", "layouts", "static"))]:
        for each in [path, *path.rglob("*")]:
            os.utime(each, ns=(later, later))  # as a checkout leaves them: new times, the same bytes
    assert build_site(site_root).unchanged
    assert stamps(site_root / "public") == before
    write(site_root, POST, read_text(site_root, POST).replace("Hội nghị", "Hội nghị thường niên", 1))
    assert not build_site(site_root).unchanged  # an edit still counts


def test_a_later_build_keeps_its_pages_on_disk_until_written_and_leaves_nothing_behind(site_root, monkeypatch):
    from sitegen import output
    from sitegen.errors import BuildError

    build_site(site_root)
    cached = set((site_root / CACHE).iterdir())
    staged, add = [], output.StagedPages.add
    monkeypatch.setattr(
        output.StagedPages, "add", lambda self, name, data: staged.append(name) or add(self, name, data)
    )
    edit(site_root, "layouts/base.html", "</body>", "<!-- đổi -->\n</body>")  # every page rendered again
    build_site(site_root)
    assert "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html" in staged and len(staged) > 20
    assert set((site_root / CACHE).iterdir()) == cached  # the staging file is gone
    before = tree_bytes(site_root / "public")
    edit(site_root, "layouts/post.html", "{% block main %}", "{% block main %}{{ page.khong_co.o_dau }}")
    with pytest.raises(BuildError):  # the posts fail, once the other pages are staged
        build_site(site_root)
    assert set((site_root / CACHE).iterdir()) == cached
    assert tree_bytes(site_root / "public") == before
