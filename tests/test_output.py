import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, build_site, read, write

from sitegen.errors import BuildError

HOME = "index.html"


def test_a_failed_build_leaves_the_previous_output_untouched(site_root):
    build_site(site_root)
    before = {p: p.read_bytes() for p in (site_root / "public").rglob("*") if p.is_file()}
    write(site_root, "content/news/hong.vi.md", "---\ntitle: Hỏng\ndate: ngày mai\n---\n")
    with pytest.raises(BuildError):
        build_site(site_root)
    after = {p: p.read_bytes() for p in (site_root / "public").rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in site_root.iterdir() if ".building-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_a_template_error_names_the_template_and_line(site_root):
    build_site(site_root)
    before = read(site_root, HOME)
    page = site_root / "layouts/page.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  <p>{{ doc.subtitle }}</p>")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_site(site_root)
    [error] = caught.value.errors
    assert (error.file, error.line) == ("layouts/page.html", 4)
    assert "subtitle" in error.message
    assert read(site_root, HOME) == before


def test_a_template_syntax_error_names_the_template_and_line(site_root):
    (site_root / "layouts/tags.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{% for x in %}\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as caught:
        build_site(site_root)
    [error] = caught.value.errors
    assert (error.file, error.line) == ("layouts/tags.html", 3)
    assert error.message.startswith("template syntax error")


@pytest.mark.parametrize("folder", [".", "content", "layouts", "static", "content/news"])
def test_building_into_a_source_folder_is_refused(site_root, folder):
    with pytest.raises(BuildError) as caught:
        build_site(site_root, output=site_root / folder)
    assert "refusing to build into" in caught.value.errors[0].message
    assert (site_root / "content/news/hoi-nghi.vi.md").is_file()


def test_building_into_a_folder_of_someone_elses_files_is_refused(site_root):
    target = site_root / "tai-lieu"
    write(site_root, "tai-lieu/bao-cao.docx", "quan trọng")
    with pytest.raises(BuildError) as caught:
        build_site(site_root, output=target)
    [error] = caught.value.errors
    assert "holds files the generator did not write: bao-cao.docx" in error.message
    assert (target / "bao-cao.docx").read_text(encoding="utf-8") == "quan trọng"


def test_a_file_added_by_hand_to_the_output_stops_the_next_build(site_root):
    build_site(site_root)
    write(site_root, "public/CNAME", "example.org")
    with pytest.raises(BuildError) as caught:
        build_site(site_root)
    assert "CNAME" in caught.value.errors[0].message
    assert "static/" in caught.value.errors[0].hint
    assert (site_root / "public/CNAME").is_file()


def test_an_old_search_index_left_by_a_killed_build_is_named_with_what_to_do(site_root):
    build_site(site_root)
    # What a build killed between the two renames of the index swap leaves behind.
    shutil.copytree(site_root / "public/pagefind", site_root / "public/.pagefind.old-4242")
    with pytest.raises(BuildError) as caught:
        build_site(site_root)
    [error] = caught.value.errors
    assert ".pagefind.old-4242" in error.message and "stopped" in error.message
    assert error.hint.startswith("delete that folder")
    assert (site_root / "public/.pagefind.old-4242").is_dir()
    shutil.rmtree(site_root / "public/.pagefind.old-4242")
    build_site(site_root)


def test_rebuilding_replaces_pages_that_no_longer_exist(site_root):
    build_site(site_root)
    (site_root / "content/news/nam-truoc.vi.md").unlink()
    build_site(site_root)
    assert not (site_root / "public/tin-tuc/tong-ket-nam-2020").exists()


def test_command_line_prints_one_line_summary_and_exits_zero(site_root):
    result = run_cli(site_root, "build", "--output", str(site_root / "out"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ") and " vi, " in result.stdout
    assert result.stderr == ""  # its worker processes, stopped at the end, say nothing either
    assert (site_root / "out/index.html").is_file()


def test_command_line_prints_every_error_and_exits_one(site_root):
    write(site_root, "content/news/a.vi.md", "---\ntitle: A\ndate: sai\n---\n")
    write(site_root, "content/news/b.vi.md", "---\ntitle: B\nngay: 2021-01-01\n---\n")
    result = run_cli(site_root)
    assert result.returncode == 1
    assert "content/news/a.vi.md:3: 'date' is not a valid date" in result.stderr
    assert "content/news/b.vi.md:3: unknown front-matter key 'ngay'" in result.stderr
    assert "previous output is unchanged" in result.stderr


def test_command_line_help_lists_the_build_command():
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "build" in result.stdout


def run_cli(root, *args):
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *args, "--root", str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=root,
    )


def test_a_template_error_in_a_parallel_build_still_names_the_template_and_line(site_root):
    from conftest import NOW

    from sitegen.model import BuildOptions
    from sitegen.pipeline import build

    page = site_root / "layouts/page.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "  <p>{{ doc.subtitle }}</p>")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(site_root, BuildOptions(now=NOW, jobs=2), output=site_root / "public")
    [error] = caught.value.errors
    assert (error.file, error.line) == ("layouts/page.html", 4)


def test_a_first_build_that_fails_while_writing_pages_leaves_nothing_behind(site_root):
    page = site_root / "layouts/page.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ x.y }}"), "utf-8")
    with pytest.raises(BuildError):
        build_site(site_root)
    assert not (site_root / "public").exists()
    assert [p.name for p in site_root.iterdir() if p.name.startswith(".public")] == []


def test_a_first_build_removes_what_killed_first_builds_left_beside_the_output_but_not_a_running_ones(site_root):
    from sitegen.output import _build_lock
    from sitegen.sessionlock import hold

    # Left by first builds killed half-way (their processes are gone): a fresh folder with its pages,
    # the old output half removed, a lock file alone.
    write(site_root, ".public.building-4242/tin-tuc/index.html", "<p>nửa chừng</p>")
    write(site_root, ".public.old-4243/index.html", "<p>bản cũ</p>")
    write(site_root, ".public.build-4244.lock", "")
    # A first build of the same output at work in another process, and folders that are not ours.
    write(site_root, ".public.building-4245/index.html", "<p>đang dựng</p>")
    working = hold(_build_lock(site_root / "public", 4245))
    write(site_root, ".public.building-ghi-chu/index.html", "")
    write(site_root, "public-cu/index.html", "")
    try:
        build_site(site_root)
    finally:
        working.close()
    beside = sorted(p.name for p in site_root.iterdir() if "public" in p.name)
    assert beside == [
        ".public.build-4245.lock",
        ".public.building-4245",
        ".public.building-ghi-chu",
        "public",
        "public-cu",
    ]
    assert (site_root / ".public.building-4245/index.html").read_text(encoding="utf-8") == "<p>đang dựng</p>"


def test_ctrl_c_between_the_two_renames_that_publish_a_build_leaves_the_last_output_in_place(tmp_path, monkeypatch):
    from sitegen.output import swap_folder

    target, fresh = tmp_path / "public", tmp_path / ".public.building-1"
    write(tmp_path, "public/index.html", "<p>bản đã đăng</p>")
    write(tmp_path, ".public.building-1/index.html", "<p>bản mới</p>")
    rename, renamed = Path.rename, []

    def ctrl_c_after_the_first(self: Path, to: Path) -> Path:
        renamed.append(self.name)
        if len(renamed) == 2:  # the output is aside: the editor presses Ctrl+C now
            os.kill(os.getpid(), signal.SIGINT)
        return rename(self, to)

    monkeypatch.setattr(Path, "rename", ctrl_c_after_the_first)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            swap_folder(fresh, target)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert renamed[:2] == ["public", ".public.building-1"]
    assert (target / "index.html").read_text(encoding="utf-8") == "<p>bản đã đăng</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.building-1", "public"]
