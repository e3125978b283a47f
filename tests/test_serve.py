"""`serve`: a live preview in its own folder, rebuilt on every change, showing build errors until they are fixed."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import (
    PROJECT,
    bundle_edit,
    count_conversions,
    index_entries,
    pagefind_texts,
    process_state,
    set_config,
    write,
)

from sitegen import incremental
from sitegen.errors import BuildError
from sitegen.incremental import Preview
from sitegen.serve import error_page

POST = "content/news/hoi-nghi.vi.md"
PAGE = "tin-tuc/hoi-nghi-thi-dua-nam-2021/"
WAIT = 20  # seconds: generous bounds for a preview to start and answer, not measures of speed


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    """(status, text) of one request; error statuses are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def until(condition, what):
    """Wait until condition() is true (up to WAIT seconds); else fail, saying what was awaited (what(): its text)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what() if callable(what) else what}")
        time.sleep(0.05)


def wait_for(url, condition, what):
    last = [None]  # the last answer

    def answered():
        try:
            last[0] = fetch(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            last[0] = None
        return last[0] is not None and condition(*last[0])

    until(answered, lambda: f"{what}; last answer: {last[0] and (last[0][0], last[0][1][:300])}")
    return last[0]


@contextlib.contextmanager
def running(command, cwd, log_path):
    """A preview process with its output in log_path, stopped (killed if need be) at the end."""
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def server(site_root, tmp_path):
    port = free_port()
    command = [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site_root), "--port", str(port)]
    base = f"http://127.0.0.1:{port}/"
    with running(command, tmp_path, tmp_path / "serve.log"):
        wait_for(base, lambda status, _: status == 200, "the preview to start")
        yield base


def edit_post(root, old, new):
    path = root / POST
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_preview_serves_pages_and_shows_an_edit_on_the_next_request(server, site_root):
    status, text = fetch(server + PAGE)
    assert status == 200 and "Đoạn mở đầu" in text
    assert "livereload.js" in text
    edit_post(site_root, "Đoạn mở đầu", "Đoạn đã sửa trong lúc xem thử")
    wait_for(server + PAGE, lambda s, t: s == 200 and "Đoạn đã sửa trong lúc xem thử" in t, "the edit to show")


def test_a_broken_edit_shows_the_error_page_and_a_fix_recovers_without_restart(server, site_root):
    edit_post(site_root, "date: 2021-03-11 08:36", "date: 2021-13-45")
    status, text = wait_for(server + PAGE, lambda s, _: s == 500, "the error page")
    assert "content/news/hoi-nghi.vi.md" in text
    assert "dòng (line) 3" in text
    assert "&#x27;date&#x27; is not a valid date: &#x27;2021-13-45&#x27;" in text
    assert "write it as 2021-03-11 08:36" in text
    assert "livereload.js" in text  # so the page reloads by itself once fixed
    edit_post(site_root, "date: 2021-13-45", "date: 2021-03-11 08:36")
    wait_for(server + PAGE, lambda s, t: s == 200 and "Hội nghị thi đua năm 2021" in t, "the fix to recover")


def test_preview_shows_drafts_and_future_posts_marked_as_such(server):
    status, text = fetch(server + "tin-tuc/ban-nhap-chua-dang/")
    assert status == 200 and 'class="preview-status"' in text and "Bản nháp" in text
    status, text = fetch(server + "tin-tuc/bai-hen-gio-dang/")
    assert status == 200 and "Hẹn giờ đăng" in text


def test_preview_answers_unknown_addresses_with_the_404_page_and_adds_missing_slashes(server):
    status, text = fetch(server + "khong-co-trang-nay/")
    assert status == 404 and "Không tìm thấy trang" in text
    request = urllib.request.Request(server + "tin-tuc")
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=5)
    assert answer.value.code == 301 and answer.value.headers["Location"] == "/tin-tuc/"


def test_browsers_keep_fingerprinted_styles_but_ask_again_for_pages_and_pictures(server):
    _, home = fetch(server)
    style = re.search(r'href="/(css/site\.[0-9a-f]{10}\.css)"', home).group(1)
    assert cache_control(server + style) == "max-age=31536000, immutable"  # an edit gives it a new name
    assert cache_control(server) == "no-store"
    assert cache_control(server + "images/icon.svg") == "no-store"


def cache_control(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.headers["Cache-Control"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_preview_listens_on_this_computer_only(server):
    assert server.startswith("http://127.0.0.1:")
    port = int(server.rsplit(":", 1)[1].strip("/"))
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), port, socket.AF_INET)}
    outside = sorted(a for a in addresses if not a.startswith("127."))
    for address in outside:
        with socket.socket() as sock, pytest.raises(OSError):
            sock.settimeout(2)
            sock.connect((address, port))


def test_a_second_preview_of_the_same_folder_is_refused_and_the_first_goes_on(server, site_root):
    command = [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site_root), "--port", str(free_port())]
    second = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
    assert second.returncode == 1
    assert "another preview of this folder is running" in second.stderr and "Ctrl+C" in second.stderr
    assert "Traceback" not in second.stderr
    status, text = fetch(server + PAGE)
    assert status == 200 and "Đoạn mở đầu" in text
    assert (site_root / ".cache/preview" / PAGE / "index.html").is_file()


def test_a_preview_on_a_port_in_use_is_refused_before_its_folder_is_touched(site_root):
    kept = write(site_root, ".cache/preview/kept.txt", "an earlier session's file")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site_root), "--port", str(port)]
        refused = subprocess.run(command, capture_output=True, text=True, timeout=WAIT)
    assert refused.returncode == 1
    assert f"Port {port} is in use" in refused.stderr and f"--port {port + 1}" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert kept.is_file()


def test_preview_builds_into_its_own_folder_not_the_public_output(site_root):
    preview = Preview(site_root, "http://127.0.0.1:8000/")
    assert preview.rebuild().errors == ()
    assert (site_root / ".cache/preview/tin-tuc/ban-nhap-chua-dang/index.html").is_file()
    assert not (site_root / "public").exists()


def test_a_change_to_one_post_rewrites_only_the_files_that_show_it(site_root):
    preview = Preview(site_root, "http://127.0.0.1:8000/")
    first = preview.rebuild()
    assert len(first.changed) > 20
    edit_post(site_root, "Đoạn mở đầu", "Đoạn mới")
    changed = preview.rebuild().changed
    assert "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html" in changed
    assert "gioi-thieu/index.html" not in changed
    assert "en/news/emulation-conference-2021/index.html" not in changed
    assert not any(name.endswith((".css", ".jpg")) for name in changed)


def test_a_deleted_post_disappears_from_the_preview(site_root):
    preview = Preview(site_root, "http://127.0.0.1:8000/")
    preview.rebuild()
    (site_root / "content/news/chi-tieng-viet.vi.md").unlink()
    (site_root / "content/news/hoi-nghi.vi.md").write_text(
        (site_root / POST)
        .read_text(encoding="utf-8")
        .replace("Xem thêm [bài chỉ có tiếng Việt](chi-tieng-viet.vi.md).", ""),
        encoding="utf-8",
    )
    outcome = preview.rebuild()
    assert outcome.errors == ()
    assert "tin-tuc/bai-chi-co-tieng-viet/index.html" in outcome.changed
    assert not (site_root / ".cache/preview/tin-tuc/bai-chi-co-tieng-viet/index.html").exists()


def search_fragments(root):
    """Each page the preview's search index holds: its address -> the text Pagefind keeps for it."""
    return pagefind_texts(root / ".cache/preview/pagefind")


def pagefind_runs(root):
    """The Pagefind programs at work for the preview of this folder: process id -> state ('T': stopped)."""
    runs = {}
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            if "pagefind" in Path(command[0].decode()).name and str(root).encode() in b" ".join(command):
                runs[int(entry.name)] = process_state(int(entry.name))
        except OSError:  # not a process, or one that just ended
            continue
    return runs


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="looks for the Pagefind program in /proc")
def test_stopping_serve_ends_its_pagefind_run_even_one_held_still_and_says_nothing_of_it(
    start_rebuilds, site_root, capsys
):
    from sitegen.pause import CAN_HOLD

    preview = Preview(site_root, URL)
    preview.rebuild()
    rebuilds = start_rebuilds(preview)
    preview.search.pagefind.hold(WAIT * 4)  # as while an edit is answered: the index's run starts stopped
    rebuilds.index_search()
    until(lambda: pagefind_runs(site_root), "the preview's Pagefind to start")
    if CAN_HOLD:
        until(
            lambda: set(pagefind_runs(site_root).values()) == {"T"}, lambda: f"it to stop: {pagefind_runs(site_root)}"
        )
    rebuilds.stop()
    assert pagefind_runs(site_root) == {}  # ended, and its thread has waited for it
    assert not rebuilds.indexer.is_alive()
    assert not list((site_root / ".cache/preview-search").glob(".sitegen-bundle-*"))
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGTERM is how other programs end one here")
def test_serve_ended_by_another_program_stops_as_on_ctrl_c_and_leaves_no_pagefind_behind(site_root, tmp_path):
    port = free_port()
    command = [sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(site_root), "--port", str(port)]
    log = tmp_path / "serve.log"
    with running(command, tmp_path, log) as process:
        wait_for(f"http://127.0.0.1:{port}/", lambda status, _: status == 200, "the preview to start")
        edit_post(site_root, "Đoạn mở đầu", "Đoạn đã sửa")  # answered by holding the index's Pagefind, if at work
        time.sleep(0.1)
        process.terminate()  # SIGTERM, as a service manager or `kill` sends
        assert process.wait(timeout=WAIT) == 0, log.read_text(encoding="utf-8")
    printed = log.read_text(encoding="utf-8")
    assert "Preview stopped." in printed and "Traceback" not in printed, printed
    assert pagefind_runs(site_root) == {}


def test_the_preview_makes_its_own_search_index_and_keeps_it_up_with_each_rebuild(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    assert preview.index_search() == 1
    assert "/tin-tuc/ban-nhap-chua-dang/" in search_fragments(site_root), "drafts are searchable in the preview"
    edit_post(site_root, "Đoạn mở đầu", "Đoạn khinhkhícầu")
    preview.rebuild()
    assert preview.index_search() == 1
    assert "khinhkhícầu" in search_fragments(site_root)["/tin-tuc/hoi-nghi-thi-dua-nam-2021/"]
    assert "/tin-tuc/bai-hen-gio-dang/" in search_fragments(site_root), "scheduled posts too"
    (site_root / "content/news/tuong-lai.vi.md").unlink()
    preview.rebuild()
    assert preview.index_search() == 1
    assert "/tin-tuc/bai-hen-gio-dang/" not in search_fragments(site_root)
    assert preview.index_search() == 0, "nothing changed since"
    assert not (site_root / ".cache/preview-search").exists()


def test_a_rebuild_that_changes_no_searchable_page_leaves_the_preview_index_as_it_is(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    preview.index_search()
    entry = site_root / ".cache/preview/pagefind/pagefind-entry.json"
    made = entry.stat().st_ino
    set_config(site_root, base_url="https://example.org/", menu=["news", "archive"])  # the menu only
    assert preview.rebuild().changed
    assert preview.index_search() == 0
    assert entry.stat().st_ino == made


def test_a_failed_preview_index_keeps_the_pages_and_the_next_update_makes_it_whole(site_root, monkeypatch):
    preview = Preview(site_root, URL)
    preview.rebuild()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site_root / "no-such-pagefind"))
    with pytest.raises(BuildError, match="Pagefind program was not found"):
        preview.index_search()
    assert (site_root / ".cache/preview/tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html").is_file()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert preview.index_search() == 1
    assert "/tin-tuc/hoi-nghi-thi-dua-nam-2021/" in search_fragments(site_root)


def test_the_preview_runs_pagefind_one_small_bundle_at_a_time_beside_the_model_it_keeps_cut_as_pagefind_cuts_them(
    site_root, monkeypatch
):
    from sitegen import previewsearch
    from sitegen.search import CHUNK_POSITIONS, CHUNK_VARIABLE

    monkeypatch.setattr(previewsearch, "BUNDLE_PAGES", 2)  # the site's own setting stays at 1,000 pages a bundle
    preview = Preview(site_root, URL)
    preview.rebuild()
    runs, others_running, chunks = [], [], []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        others_running.append(sum(run.poll() is None for run in runs))
        chunks.append(kwargs["env"][CHUNK_VARIABLE])
        runs.append(real_popen(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    assert preview.index_search() > 2
    assert len(runs) > 2
    assert others_running == [0] * len(runs), "each Pagefind run started once the last one had ended"
    assert "/tin-tuc/hoi-nghi-thi-dua-nam-2021/" in search_fragments(site_root)
    # Read on this machine: no finer chunks (search.chunk_positions) for a download that costs nothing.
    assert chunks == [str(CHUNK_POSITIONS)] * len(runs)


def test_after_an_edit_the_preview_moves_in_only_the_search_files_that_differ(site_root, monkeypatch, tmp_path):
    from sitegen import previewsearch
    from sitegen.search import bundle_count, bundle_of, make_search_index

    monkeypatch.setattr(previewsearch, "BUNDLE_PAGES", 2)
    preview = Preview(site_root, URL)
    preview.rebuild()
    preview.index_search()
    index = site_root / ".cache/preview/pagefind"
    count = bundle_count(len(preview.search.searchable), 2)
    assert count > 2, "the index has several bundles"
    before = index_entries(index)
    edit_post(site_root, "Đoạn mở đầu", "Đoạn khinhkhícầu")
    preview.rebuild()
    assert preview.index_search() == 1
    assert "khinhkhícầu" in search_fragments(site_root)["/tin-tuc/hoi-nghi-thi-dua-nam-2021/"]
    # Only the edited page's bundle changed, and of its files only those whose bytes differ.
    assert (
        bundle_edit(before, index_entries(index), bundle_of("tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html", count))
        == ""
    )
    assert not list(index.glob("**/.*")) and not (site_root / previewsearch.WORK).exists()
    # And the index is the one Pagefind would make of the whole preview now, file for file.
    names = sorted(preview.search.searchable)
    pages = {name: (site_root / ".cache/preview" / name).read_bytes() for name in names}
    make_search_index(tmp_path / "whole", pages, names, 2, runs=1, chunk=previewsearch.CHUNK)
    made = tmp_path / "whole/pagefind"
    whole = {path.relative_to(made): path.read_bytes() for path in made.rglob("*") if path.is_file()}
    assert {path.relative_to(index): path.read_bytes() for path in index.rglob("*") if path.is_file()} == whole


@pytest.fixture
def start_rebuilds():
    """serve's Rebuilds for a preview; their threads end with the test (else they print into the next one's output)."""
    from sitegen.serve import Rebuilds

    started = []

    def start(preview, reload=lambda: None):
        started.append(Rebuilds(preview, reload))
        return started[-1]

    yield start
    for rebuilds in started:
        rebuilds.close()


def test_a_preview_index_that_cannot_be_written_is_reported_and_made_after_the_next_save(
    start_rebuilds, site_root, monkeypatch, capsys
):
    from sitegen import previewsearch

    real = previewsearch.make_search_index
    failures = []

    def held_open_once(*args, **kwargs):  # as on Windows when another program has a file of it open
        if not failures:
            failures.append(1)
            raise PermissionError(13, "Permission denied", str(site_root / ".cache/preview-search"))
        return real(*args, **kwargs)

    monkeypatch.setattr(previewsearch, "make_search_index", held_open_once)
    preview = Preview(site_root, URL)
    preview.rebuild()
    rebuilds = start_rebuilds(preview)
    rebuilds.index_search()
    until(lambda: "could not be updated" in capsys.readouterr().err, "the failure to be reported")
    edit_post(site_root, "Đoạn mở đầu", "Đoạn khinhkhícầu")
    rebuilds.answer_edit([str(site_root / POST)])
    entry = site_root / ".cache/preview/pagefind/pagefind-entry.json"
    until(entry.is_file, "the rebuilds to go on and the next one to make the index")
    assert "khinhkhícầu" in search_fragments(site_root)["/tin-tuc/hoi-nghi-thi-dua-nam-2021/"]


def test_a_preview_file_that_cannot_be_written_is_reported_and_the_next_save_rebuilds(
    site_root, monkeypatch, capsys, start_rebuilds
):
    real = Preview._write
    failures = []

    def held_open_once(preview, name, data):  # in the full rebuild only, as on Windows when a file is held open
        if not failures and threading.current_thread().name == "full-rebuild":
            failures.append(name)
            raise PermissionError(13, "Permission denied", str(preview.output / name))
        real(preview, name, data)

    monkeypatch.setattr(Preview, "_write", held_open_once)
    preview = Preview(site_root, URL)
    preview.rebuild()
    rebuilds = start_rebuilds(preview)
    output = []

    def rebuilt_or_failed():
        captured = capsys.readouterr()
        output.append(captured.out + captured.err)
        return any(text in "".join(output) for text in ("Rebuilt in", "could not be updated"))

    for text in ("Đoạn một", "Đoạn hai"):
        edit_post(site_root, "Đoạn mở đầu" if text == "Đoạn một" else "Đoạn một", text)
        rebuilds.answer_edit([str(site_root / POST)])
        until(rebuilt_or_failed, lambda: f"a rebuild or its failure; printed: {''.join(output)}")
        if text == "Đoạn một":
            assert failures and f"{failures[0]}: the preview could not be updated" in "".join(output)
            output.clear()
    assert "Rebuilt in" in "".join(output)
    assert "Đoạn hai" in (site_root / ".cache/preview/feed.xml").read_text(encoding="utf-8")


def test_an_edited_page_that_cannot_be_written_first_is_reported_and_the_full_rebuild_follows(
    site_root, monkeypatch, capsys, start_rebuilds
):
    preview = Preview(site_root, URL)
    preview.rebuild()
    page = preview.output / EDITED_PAGE

    def held_open(among=None):  # as on Windows when another program holds the page open
        raise PermissionError(13, "Permission denied", str(page))

    monkeypatch.setattr(preview, "edited_first", held_open)
    rebuilds = start_rebuilds(preview)
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    rebuilds.answer_edit([str(site_root / POST)])  # does not raise into the server
    printed = []
    until(lambda: printed.append(capsys.readouterr()) or "Rebuilt in" in printed[-1].out, "the full rebuild")
    assert f"{page}: the edited page could not be written first (Permission denied). The full rebuild follows." in (
        "".join(captured.err for captured in printed)
    )
    assert "Đoạn sửa" in page.read_text(encoding="utf-8")


def test_a_fault_of_the_generator_in_a_rebuild_is_shown_and_the_next_save_rebuilds(
    site_root, monkeypatch, capsys, start_rebuilds
):
    from sitegen import serve

    preview = Preview(site_root, URL)
    preview.rebuild()
    full_rebuild, faults = preview.rebuild, []

    def faulty_once():
        if not faults:
            faults.append(1)
            raise ZeroDivisionError("a bug")
        return full_rebuild()

    monkeypatch.setattr(preview, "rebuild", faulty_once)
    rebuilds = start_rebuilds(preview)
    printed = []
    for text in ("Đoạn một", "Đoạn hai"):
        edit_post(site_root, "Đoạn mở đầu" if text == "Đoạn một" else "Đoạn một", text)
        rebuilds.answer_edit([str(site_root / POST)])
        awaited = serve.FAULT if text == "Đoạn một" else "Rebuilt in"
        until(
            lambda awaited=awaited: printed.append("".join(capsys.readouterr())) or awaited in "".join(printed),
            lambda awaited=awaited: f"{awaited!r}; printed: {''.join(printed)}",
        )
    assert "Traceback" in "".join(printed) and "ZeroDivisionError: a bug" in "".join(printed)
    assert all(thread.is_alive() for thread in rebuilds.threads)
    assert "Đoạn hai" in (preview.output / "feed.xml").read_text(encoding="utf-8")


class Paused:
    """Full rebuilds that stop as they are about to write one page, until let go: a rebuild caught half-way."""

    def __init__(self, monkeypatch, page):
        self.reached, self.go = threading.Event(), threading.Event()
        real = incremental.render_site

        def render_site(*args, sink, **kwargs):
            def held(name, data):
                if name == page and not self.go.is_set():
                    self.reached.set()
                    self.go.wait(WAIT)
                sink(name, data)

            return real(*args, sink=held, **kwargs)

        monkeypatch.setattr(incremental, "render_site", render_site)


def page_text(preview):
    return (preview.output / EDITED_PAGE).read_text(encoding="utf-8")


def answered_during_a_rebuild(preview, paused, site_root):
    """Edit the post to "Đoạn một", start a full rebuild that reads it so and stops before writing its
    page; save "Đoạn hai" and answer that edit. Returns the rebuild's thread and the answer."""
    edit_post(site_root, "Đoạn mở đầu", "Đoạn một")
    rebuild = threading.Thread(target=preview.rebuild)
    rebuild.start()
    assert paused.reached.wait(WAIT), "the rebuild did not reach the page"
    edit_post(site_root, "Đoạn một", "Đoạn hai")
    return rebuild, preview.edited_first([str(site_root / POST)])


def test_an_edit_saved_during_a_full_rebuild_is_written_at_once_and_that_rebuild_leaves_it(
    site_root, monkeypatch, tmp_path
):
    preview = Preview(site_root, URL)
    preview.rebuild()
    paused = Paused(monkeypatch, EDITED_PAGE)
    rebuild, first = answered_during_a_rebuild(preview, paused, site_root)
    assert first.changed == (EDITED_PAGE,) and "Đoạn hai" in page_text(preview)
    paused.go.set()
    rebuild.join(WAIT)
    # That rebuild read the post before the save: it does not put "Đoạn một" back.
    assert "Đoạn hai" in page_text(preview)
    preview.rebuild()
    fresh = Preview(shutil.copytree(site_root, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache")), URL)
    fresh.rebuild()
    assert preview_files(preview) == preview_files(fresh)


def test_a_post_saved_back_after_an_edit_answered_during_a_rebuild_shows_as_saved(site_root, monkeypatch):
    preview = Preview(site_root, URL)
    preview.rebuild()
    paused = Paused(monkeypatch, EDITED_PAGE)
    rebuild, _ = answered_during_a_rebuild(preview, paused, site_root)
    paused.go.set()
    rebuild.join(WAIT)
    # Back to what that rebuild read: its record of the page must not pass for the page shown.
    edit_post(site_root, "Đoạn hai", "Đoạn một")
    assert EDITED_PAGE in preview.rebuild().changed
    assert "Đoạn một" in page_text(preview) and "Đoạn hai" not in page_text(preview)


def test_an_edit_answered_during_a_full_rebuild_leaves_the_pages_that_rebuild_renders_after_it_alone(
    site_root, monkeypatch, tmp_path
):
    preview = Preview(site_root, URL)
    preview.rebuild()
    # A new style sheet: every page of the rebuild names it; the edit's answer is drawn from the last build.
    css = site_root / "static/css/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.moi { color: red; }\n", encoding="utf-8")
    from sitegen import templates

    reached, go = threading.Event(), threading.Event()
    render_chunk = templates.render_chunk

    def paused_after_one_page(renderer, pages):  # the full rebuild's; the edit's answer calls its own
        first = render_chunk(renderer, pages[:1])
        reached.set()
        go.wait(WAIT)
        return first + render_chunk(renderer, pages[1:])

    monkeypatch.setattr(templates, "render_chunk", paused_after_one_page)
    rebuild = threading.Thread(target=preview.rebuild)
    rebuild.start()
    assert reached.wait(WAIT), "the rebuild did not render its first page"
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    assert preview.edited_first([str(site_root / POST)]).changed == (EDITED_PAGE,)
    go.set()
    rebuild.join(WAIT)
    preview.rebuild()
    fresh = Preview(shutil.copytree(site_root, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache")), URL)
    fresh.rebuild()
    assert preview_files(preview) == preview_files(fresh)


def test_serve_shows_an_edit_saved_during_a_full_rebuild_before_that_rebuild_ends(
    site_root, monkeypatch, capsys, start_rebuilds
):
    preview = Preview(site_root, URL)
    preview.rebuild()
    paused = Paused(monkeypatch, EDITED_PAGE)
    reloads = []
    rebuilds = start_rebuilds(preview, lambda: reloads.append(capsys.readouterr().out))
    edit_post(site_root, "Đoạn mở đầu", "Đoạn một")
    rebuilds.answer_edit([str(site_root / POST)])
    assert paused.reached.wait(WAIT), "the full rebuild after the first edit did not start"
    edit_post(site_root, "Đoạn một", "Đoạn hai")
    rebuilds.answer_edit([str(site_root / POST)])
    assert "Đoạn hai" in page_text(preview)
    assert len(reloads) == 2 and all(text.startswith("Edited page ready") for text in reloads)
    paused.go.set()
    until(lambda: "".join(reloads).count("Rebuilt in") >= 2, lambda: f"two full rebuilds; so far {reloads}")
    assert "Đoạn hai" in page_text(preview)
    assert "Đoạn hai" in (preview.output / "feed.xml").read_text(encoding="utf-8")


def test_a_full_rebuild_asked_for_while_the_search_index_is_made_does_not_wait_for_it(
    site_root, monkeypatch, capsys, start_rebuilds
):
    from sitegen import previewsearch

    making, done = threading.Event(), threading.Event()
    make_search_index = previewsearch.make_search_index

    def long(*args, **kwargs):  # as the first index of a big site, 20 s at 10,000 posts
        making.set()
        done.wait(WAIT)
        return make_search_index(*args, **kwargs)

    monkeypatch.setattr(previewsearch, "make_search_index", long)
    preview = Preview(site_root, URL)
    preview.rebuild()
    reloads = []
    rebuilds = start_rebuilds(preview, lambda: reloads.append(capsys.readouterr().out))
    rebuilds.index_search()
    assert making.wait(WAIT), "the index was not started"
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    rebuilds.answer_edit([str(site_root / POST)])
    try:
        until(lambda: any("Rebuilt in" in text for text in reloads), lambda: f"the full rebuild; so far {reloads}")
        assert "Đoạn sửa" in (preview.output / "feed.xml").read_text(encoding="utf-8")
    finally:
        done.set()
    # The browsers reloaded for the rebuild's pages at once, and again once the index was in place.
    until(lambda: "Search index updated" in "".join(reloads), lambda: f"the index's reload; so far {reloads}")


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc to see Pagefind's state")
def test_the_preview_index_is_held_still_while_an_edit_is_answered_and_then_goes_on(
    site_root, monkeypatch, capsys, start_rebuilds
):
    from sitegen import serve

    monkeypatch.setattr(serve, "ANSWER_GRACE", 2.0)  # long enough to look at Pagefind while it is held
    preview = Preview(site_root, URL)
    preview.rebuild()
    runs = preview.search.pagefind
    seen: list[tuple[float, str]] = []  # when each Pagefind run started, and its state a moment later
    started = runs.started

    def noting(process):
        started(process)
        time.sleep(0.1)
        seen.append((time.monotonic(), process_state(process.pid)))

    monkeypatch.setattr(runs, "started", noting)
    rebuilds = start_rebuilds(preview)
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    answered = time.monotonic()
    rebuilds.answer_edit([str(site_root / POST)])
    rebuilds.index_search()  # the first index, started while the edit is answered
    until(lambda: seen, "a Pagefind run to start")
    assert seen[0][0] - answered < serve.ANSWER_GRACE and seen[0][1] == "T", "Pagefind was not held still"
    # Then it goes on: the index is made, and holds the edit once the full rebuild's bundle is made again.
    until(lambda: "Search index updated" in capsys.readouterr().out, "the index to be made")
    until(lambda: "/tin-tuc/hoi-nghi-thi-dua-nam-2021/" in search_fragments(site_root), "the post in the index")


def preview_noting_rebuilds(site_root, monkeypatch, note):
    """A preview after its first build, whose later full rebuilds call note() as they start."""
    preview = Preview(site_root, URL)
    preview.rebuild()
    full_rebuild = preview.rebuild
    monkeypatch.setattr(preview, "rebuild", lambda: note() or full_rebuild())
    return preview


def test_the_full_rebuild_after_an_edit_waits_for_the_browser_to_fetch_the_edited_page(
    site_root, monkeypatch, start_rebuilds
):
    from sitegen import serve

    started = []
    preview = preview_noting_rebuilds(site_root, monkeypatch, lambda: started.append(time.monotonic()))
    rebuilds = start_rebuilds(preview)
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    saved = time.monotonic()
    rebuilds.answer_edit([str(site_root / POST)])
    assert "Đoạn sửa" in (site_root / ".cache/preview" / PAGE / "index.html").read_text(encoding="utf-8")
    until(lambda: started, "the full rebuild to start")
    assert started[0] - saved >= serve.ANSWER_GRACE


def test_serve_collects_the_whole_heap_after_a_full_rebuild_not_during_it_and_switches_threads_often(
    site_root, monkeypatch, start_rebuilds
):
    import gc

    from sitegen import collect, serve

    events = []
    settings = lambda: (gc.get_threshold(), sys.getswitchinterval())  # noqa: E731
    preview = preview_noting_rebuilds(site_root, monkeypatch, lambda: events.append(("rebuild", settings())))

    def full_collections(phase, info):
        if phase == "start" and info["generation"] == 2:
            events.append("full collection")

    before = settings()
    gc.callbacks.append(full_collections)
    try:
        rebuilds = start_rebuilds(preview, lambda: events.append("reload"))
        edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
        rebuilds.answer_edit([str(site_root / POST)])
        until(lambda: events.count("reload") >= 2, lambda: f"the reload after the full rebuild; so far {events}")
        rebuilds.close()
    finally:
        gc.callbacks.remove(full_collections)
    rebuild = next(event for event in events if event[0] == "rebuild")
    # During the rebuild: no full collection by Python's count of allocations; threads switched often.
    assert rebuild[1] == (collect.RARELY, serve.SWITCH_INTERVAL)
    assert before[1] > serve.SWITCH_INTERVAL
    after = events[events.index(rebuild) :]
    assert "full collection" in after and after.index("full collection") < after.index("reload")
    assert settings() == before  # given back when serve's rebuilds end


def test_unchanged_posts_are_not_converted_again(site_root, monkeypatch):
    converted = count_conversions(monkeypatch, incremental)
    preview = Preview(site_root, URL)
    preview.rebuild()
    assert len(converted) > 3
    converted.clear()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn mới")
    preview.rebuild()
    assert converted == [POST]


def test_a_new_preview_session_reuses_the_markdown_converted_by_the_last(site_root, monkeypatch):
    converted = count_conversions(monkeypatch, incremental)
    earlier = Preview(site_root, URL)
    earlier.rebuild()
    first = preview_files(earlier)
    assert converted
    converted.clear()
    preview = Preview(site_root, URL)
    assert preview.rebuild().errors == ()
    assert converted == []
    assert preview_files(preview) == first


def test_a_new_preview_session_keeps_the_files_the_last_one_left_that_it_would_write_again(site_root, tmp_path):
    earlier = Preview(site_root, URL)
    earlier.rebuild()
    earlier.index_search()
    folder = earlier.output
    unaffected = (folder / "gioi-thieu/index.html").stat()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn của phiên sau")
    write(site_root, ".cache/preview/tin-tuc/bai-da-xoa/index.html", "<p>a page of a post deleted since</p>")
    write(site_root, ".cache/preview/tin-tuc/.index.html.part", "a write the last session did not finish")

    outcome = Preview(site_root, URL).rebuild()
    assert outcome.errors == ()
    kept = (folder / "gioi-thieu/index.html").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (unaffected.st_ino, unaffected.st_mtime_ns)
    assert "gioi-thieu/index.html" not in outcome.changed
    assert EDITED_PAGE in outcome.changed
    assert "Đoạn của phiên sau" in (folder / EDITED_PAGE).read_text(encoding="utf-8")
    assert not (folder / "tin-tuc/bai-da-xoa/index.html").exists()
    assert not (folder / "tin-tuc/.index.html.part").exists()
    assert search_fragments(site_root), "the last session's search index serves until the first index replaces it"

    # The same files as a session that starts from nothing.
    folder.rename(tmp_path / "kept")
    Preview(site_root, URL).rebuild()
    fresh = {name: data for name, data in preview_files(earlier).items() if name.parts[0] != "pagefind"}
    shutil.rmtree(folder)
    (tmp_path / "kept").rename(folder)
    assert {name: data for name, data in preview_files(earlier).items() if name.parts[0] != "pagefind"} == fresh


def test_an_error_in_a_file_saved_again_during_the_rebuild_is_left_to_that_saves_rebuild(site_root, monkeypatch):
    preview = Preview(site_root, URL)
    preview.rebuild()
    about = site_root / "content/pages/gioi-thieu.vi.md"
    whole = about.read_text(encoding="utf-8")
    about.write_text("", encoding="utf-8")  # an editor saving it empties it first
    render_site = incremental.render_site

    def saved_meanwhile(*args, **kwargs):
        try:
            return render_site(*args, **kwargs)
        finally:
            about.write_text(whole, encoding="utf-8")  # the save is whole now, after the rebuild read it

    monkeypatch.setattr(incremental, "render_site", saved_meanwhile)
    held = preview.rebuild()
    assert (held.errors, held.changed, held.saved_meanwhile) == ((), (), ("content/pages/gioi-thieu.vi.md",))
    assert preview.errors == ()  # the browsers are not shown an error page
    monkeypatch.setattr(incremental, "render_site", render_site)
    assert preview.rebuild().errors == ()  # the save's own rebuild
    about.write_text("", encoding="utf-8")  # broken before a rebuild begins: reported at once
    reported = preview.rebuild()
    assert reported.errors == preview.errors != () and reported.saved_meanwhile == ()
    later = time.time_ns() + 3600 * 10**9  # copied from a machine whose clock is an hour ahead: reported too
    os.utime(about, ns=(later, later))
    assert Preview(site_root, URL).rebuild().errors != ()


def test_a_rebuild_left_to_a_save_made_meanwhile_says_so_rather_than_that_nothing_changed(capsys):
    from sitegen.serve import _report

    _report(incremental.Outcome((), (), 0.4, ("content/pages/gioi-thieu.vi.md",)))
    printed = capsys.readouterr().out
    assert printed == "content/pages/gioi-thieu.vi.md changed while the preview rebuilt: rebuilding again.\n"


def test_a_rebuild_that_failed_half_way_leaves_nothing_stale_once_the_inputs_go_back(site_root, tmp_path):
    preview = Preview(site_root, URL)
    preview.rebuild()
    # The post's pages are rendered and written; the tag pages then fail on a broken layout.
    edit_post(site_root, "Đoạn mở đầu", "Đoạn tạm")
    tags = site_root / "layouts/tags.html"
    layout = tags.read_text(encoding="utf-8")
    tags.write_text(layout.replace("{% block main %}", "{% block main %}{{ no_such_name.x }}"), encoding="utf-8")
    assert preview.rebuild().errors
    assert "Đoạn tạm" in (preview.output / EDITED_PAGE).read_text(encoding="utf-8")
    edit_post(site_root, "Đoạn tạm", "Đoạn mở đầu")
    tags.write_text(layout, encoding="utf-8")
    assert preview.rebuild().errors == ()
    fresh = Preview(shutil.copytree(site_root, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache")), URL)
    fresh.rebuild()
    assert preview_files(preview) == preview_files(fresh)


def test_the_error_page_escapes_what_it_quotes():
    from sitegen.errors import SiteError

    page = error_page([SiteError("content/news/x.vi.md", "bad <script>alert(1)</script>", 4, "use <b>")]).decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<code>content/news/x.vi.md</code>, dòng (line) 4" in page
    assert "</head>" in page


def test_an_edit_while_broken_is_reported_again_and_the_site_recovers_in_memory(site_root):
    preview = Preview(site_root, "http://127.0.0.1:8000/")
    preview.rebuild()
    write(site_root, "content/news/loi.vi.md", "---\ntitle: Lỗi\ndate: hôm qua\n---\n\nBài lỗi.\n")
    assert "is not a valid date" in preview.rebuild().errors[0].message
    (site_root / "content/news/loi.vi.md").unlink()
    assert preview.rebuild().errors == ()
    assert preview.errors == ()


EDITED_PAGE = "tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html"
URL = "http://127.0.0.1:8000/"


def preview_files(preview):
    return {p.relative_to(preview.output): p.read_bytes() for p in preview.output.rglob("*") if p.is_file()}


def test_an_edit_is_answered_first_with_the_edited_page_and_the_full_rebuild_agrees(site_root, tmp_path):
    preview = Preview(site_root, "http://127.0.0.1:8000/")
    preview.rebuild()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa nhanh")
    first = preview.edited_first()
    assert first.changed == (EDITED_PAGE,)
    assert "Đoạn sửa nhanh" in (preview.output / EDITED_PAGE).read_text(encoding="utf-8")
    quick = (preview.output / EDITED_PAGE).read_bytes()
    full = preview.rebuild()
    assert EDITED_PAGE not in full.changed  # the full rebuild made the same bytes
    assert "feed.xml" in full.changed  # the feed carries the post's text: it follows in the full rebuild
    fresh = Preview(shutil.copytree(site_root, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache")), URL)
    fresh.rebuild()
    assert preview_files(preview) == preview_files(fresh)
    assert (fresh.output / EDITED_PAGE).read_bytes() == quick


def test_the_answer_to_an_edit_leaves_nothing_of_the_last_build_in_its_threads_templates(site_root):
    from sitegen.templates import make_environment

    preview = Preview(site_root, URL)
    preview.rebuild()
    rebuild = threading.Thread(target=preview.rebuild)  # in another thread's environment, as serve's are
    rebuild.start()
    rebuild.join()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa nhanh")
    assert preview.edited_first([str(site_root / POST)]).changed == (EDITED_PAGE,)
    # Else they would hold that build's model until the next edit, which would then spend its time freeing it.
    assert not {"body", "asset", "url", "config"} & make_environment(site_root).globals.keys()


def test_a_translation_is_answered_first_too(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    path = site_root / "content/news/hoi-nghi.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert preview.edited_first().changed == ("en/news/emulation-conference-2021/index.html",)


def test_an_edit_of_the_vietnamese_file_is_answered_with_the_translation_that_inherits_from_it(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    edit_post(site_root, "date: 2021-03-11 08:36", "date: 2021-03-12 08:36")
    first = preview.edited_first([str(site_root / POST)])
    assert first.changed == ("en/news/emulation-conference-2021/index.html", EDITED_PAGE)
    english = (preview.output / "en/news/emulation-conference-2021/index.html").read_text(encoding="utf-8")
    assert "2021-03-12" in english


def test_an_edit_taken_back_before_the_full_rebuild_is_taken_back_in_the_preview_too(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa nhanh")
    assert preview.edited_first([str(site_root / POST)]).changed == (EDITED_PAGE,)
    edit_post(site_root, "Đoạn sửa nhanh", "Đoạn mở đầu")  # saved again as it was, before the full rebuild
    assert EDITED_PAGE in preview.rebuild().changed
    page = (preview.output / EDITED_PAGE).read_text(encoding="utf-8")
    assert "Đoạn mở đầu" in page and "Đoạn sửa nhanh" not in page


def test_an_edit_whose_page_cannot_be_drawn_from_the_last_build_is_left_to_the_full_rebuild(site_root, monkeypatch):
    preview = Preview(site_root, URL)
    preview.rebuild()

    def pruned(*args):  # a body the last build stored, removed meanwhile by a rebuild's pruning
        raise BuildError([incremental.SiteError("bodies.sqlite", "a converted body was removed", None, "again")])

    monkeypatch.setattr(incremental, "render_edited", pruned)
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa")
    assert preview.edited_first([str(site_root / POST)]) is None
    monkeypatch.undo()
    assert EDITED_PAGE in preview.rebuild().changed


@pytest.mark.parametrize(
    "change",
    ["a new post", "a new address", "an error", "a layout"],
)
def test_anything_but_a_plain_edit_is_left_to_the_full_rebuild(site_root, change):
    preview = Preview(site_root, URL)
    preview.rebuild()
    if change == "a new post":
        write(site_root, "content/news/moi.vi.md", "---\ntitle: Mới\ndate: 2021-05-05\n---\nMới.\n")
    elif change == "a new address":
        edit_post(site_root, "summary:", "slug: dia-chi-moi\nsummary:")
    elif change == "an error":
        edit_post(site_root, "date: 2021-03-11 08:36", "date: 2021-13-45")
    else:
        base = site_root / "layouts/base.html"
        base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.edited_first() is None
    outcome = preview.rebuild()
    assert outcome.changed or outcome.errors


def test_told_which_files_changed_the_first_answer_looks_only_at_them(site_root):
    preview = Preview(site_root, URL)
    preview.rebuild()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa nhanh")
    other = site_root / "content/news/hoi-nghi.en.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nNot reported.\n", encoding="utf-8")
    swap = site_root / "content/news/.hoi-nghi.vi.md.swp"
    swap.write_text("an editor's swap file", encoding="utf-8")
    first = preview.edited_first([str(site_root / POST), str(swap)])
    assert first.changed == (EDITED_PAGE,)  # the English file was not among the paths: the full rebuild's


@pytest.mark.parametrize("change", ["a layout", "a new post", "a deleted post"])
def test_told_of_anything_but_known_content_files_the_first_answer_leaves_it_to_the_full_rebuild(site_root, change):
    preview = Preview(site_root, URL)
    preview.rebuild()
    edit_post(site_root, "Đoạn mở đầu", "Đoạn sửa nhanh")
    if change == "a layout":
        other = site_root / "layouts/base.html"
        other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "a new post":
        other = write(site_root, "content/news/moi.vi.md", "---\ntitle: Mới\ndate: 2021-05-05\n---\nMới.\n")
    else:
        other = site_root / "content/news/hoi-nghi.en.md"
        other.unlink()
    assert preview.edited_first([str(site_root / POST), str(other)]) is None


def test_a_saved_page_shows_in_the_open_browser_by_itself_even_saved_again_at_once(server, site_root, tmp_path):
    from browser_support import chromium

    # The about page: shown on no other page, so only the answer to the edit itself can reload the browser.
    about = site_root / "content/pages/gioi-thieu.vi.md"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(server + "gioi-thieu/")
        page.wait_for_function("window.LiveReload !== undefined", timeout=WAIT * 1000)
        page.wait_for_timeout(500)  # its socket open
        for text in ("Sửa lần một.", "Sửa lần hai."):  # the second within a second of the first
            about.write_text(f'---\ntitle: "Giới thiệu"\n---\n\n{text}\n', encoding="utf-8")
            page.wait_for_function(f"document.body.innerText.includes({text!r})", timeout=WAIT * 1000)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    # Told by the system's file events: livereload says "Start detecting changes" only when it polls instead.
    assert "Start watching changes" in log and "Start detecting changes" not in log


def test_a_browser_loading_a_page_when_a_save_is_answered_reloads_once_it_connects(server, site_root, tmp_path):
    from browser_support import chromium

    about = site_root / "content/pages/gioi-thieu.vi.md"
    log = tmp_path / "serve.log"

    def indexes():
        return log.read_text(encoding="utf-8").count("Search index updated")

    def all_reloads_sent(indexed):
        # The last reload for the save follows its search index: every one of them reached no browser.
        lines = log.read_text(encoding="utf-8").splitlines()
        index = [i for i, line in enumerate(lines) if line.startswith("Search index updated")]
        return len(index) > indexed and any("Reload 0 waiters" in line for line in lines[index[-1] :])

    held = []

    def save_while_the_page_loads(route):
        # The page is served, its livereload socket not open yet (this script is held back).
        try:
            if not held:
                held.append(route)
                indexed = indexes()
                about.write_text('---\ntitle: "Giới thiệu"\n---\n\nSửa khi trang đang tải.\n', encoding="utf-8")
                until(lambda: all_reloads_sent(indexed), lambda: "the reloads sent: " + log.read_text(encoding="utf-8"))
        finally:
            route.continue_()

    until(lambda: indexes() >= 1, "the first search index")  # its reload is not the one awaited here
    with chromium() as browser:
        page = browser.new_page()
        page.route("**/livereload.js*", save_while_the_page_loads)
        page.goto(server + "gioi-thieu/")
        try:
            page.wait_for_function("document.body.innerText.includes('Sửa khi trang đang tải.')", timeout=WAIT * 1000)
        finally:
            print(log.read_text(encoding="utf-8"))  # shown if it fails


@pytest.fixture
def slow_pagefind(tmp_path, monkeypatch):
    """Pagefind made to take two seconds more, for serve started after this fixture: long enough for a
    page reloaded before the index is in place to load the old one."""
    from pagefind.service import get_executable

    wrapper = tmp_path / "slow-pagefind"
    wrapper.write_text(f'#!/bin/sh\nsleep 2\nexec "{get_executable()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))


def test_the_previews_search_page_finds_a_word_once_a_post_with_it_is_saved(slow_pagefind, server, site_root):
    from browser_support import chromium

    with chromium() as browser:
        page = browser.new_page()
        page.goto(server + "tim-kiem/?q=khinhkhicau")
        # Reloaded once the first index is made (opened before, it has none to load).
        status = "document.getElementById('search-status').textContent"
        page.wait_for_function(f"{status}.startsWith('Không tìm thấy')", timeout=WAIT * 1000)
        page.wait_for_timeout(500)  # its livereload socket open
        edit_post(site_root, "Đoạn mở đầu", "Đoạn khinhkhícầu")
        # Reloaded once the index holds the edit, it searches again for the query in its address.
        page.wait_for_function(f"{status}.startsWith('1 ')", timeout=WAIT * 1000)
        assert "Hội nghị thi đua năm 2021" in page.inner_text("#search-results li")


SAVE_DURING_THE_FIRST_BUILD = """
import sys
from pathlib import Path

from sitegen import incremental
from sitegen.cli import main
from sitegen.errors import BuildError

root, port = Path(sys.argv[1]), int(sys.argv[2])
first_build = incremental.Preview.rebuild


def rebuild(preview):  # the editor saves the post just as the first build finishes reading it
    outcome = first_build(preview)
    incremental.Preview.rebuild = first_build
    post = root / "content/news/hoi-nghi.vi.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Đoạn mở đầu", "Lưu khi đang dựng"), encoding="utf-8")
    return outcome


incremental.Preview.rebuild = rebuild
sys.exit(main(["serve", "--root", str(root), "--port", str(port)]))  # as build.py runs it
"""


def test_a_post_saved_during_the_first_build_shows_once_the_preview_is_served(site_root, tmp_path):
    port = free_port()
    command = [sys.executable, "-c", SAVE_DURING_THE_FIRST_BUILD, str(site_root), str(port)]
    with running(command, PROJECT, tmp_path / "serve.log"):
        wait_for(f"http://127.0.0.1:{port}/{PAGE}", lambda s, t: "Lưu khi đang dựng" in t, "the save to show")
