"""Work done in a forked process of its own: its result, its errors and its stage times come back."""

from __future__ import annotations

import os
import threading
import time

import pytest
from conftest import Seen, build_site, ctrl_c_once

from sitegen import apart
from sitegen.apart import ApartError, in_own_process
from sitegen.errors import BuildError, SiteError
from sitegen.progress import Progress


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    pid, text = in_own_process(lambda: (os.getpid(), "kết quả"), Progress.quiet())
    assert text == "kết quả"
    assert pid != os.getpid()


def test_where_processes_cannot_be_forked_the_work_runs_here_with_the_same_result(monkeypatch):
    monkeypatch.setattr(apart.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert in_own_process(lambda: (os.getpid(), "kết quả"), Progress.quiet()) == (os.getpid(), "kết quả")


def test_a_build_error_comes_back_with_every_error_it_carries():
    errors = [SiteError("content/news/a.vi.md", "missing title", 2, "add a title"), SiteError("site.yaml", "bad")]

    def failing():
        raise BuildError(errors)

    with pytest.raises(BuildError) as caught:
        in_own_process(failing, Progress.quiet())
    assert caught.value.errors == tuple(errors)


def test_an_unexpected_error_comes_back_with_the_forked_process_traceback():
    def a_bug_deep_inside():
        return {}["no such key"]

    with pytest.raises(KeyError) as caught:
        in_own_process(a_bug_deep_inside, Progress.quiet())
    assert isinstance(caught.value.__cause__, ApartError)
    assert "a_bug_deep_inside" in str(caught.value.__cause__)


def test_a_result_that_cannot_be_sent_back_is_an_error_that_says_so():
    with pytest.raises(RuntimeError, match="could not answer"):
        in_own_process(lambda: threading.Lock(), Progress.quiet())


def test_a_forked_process_that_dies_is_an_error_with_its_exit_code_and_what_to_do():
    with pytest.raises(BuildError) as caught:  # shown as the build's errors are: "Nothing was published"
        in_own_process(lambda: os._exit(3), Progress.quiet())
    [error] = caught.value.errors
    assert "exit code 3" in error.message
    assert "--jobs 1" in error.hint


def test_when_this_process_is_interrupted_the_forked_one_is_stopped_and_waited_for():
    started = Seen()

    def long_work():
        started.append(os.getpid())
        time.sleep(60)

    begun = time.monotonic()
    with ctrl_c_once(lambda: started), pytest.raises(KeyboardInterrupt):
        in_own_process(long_work, Progress.quiet())
    assert time.monotonic() - begun < 30
    [pid] = started
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped, not left running


def test_a_first_build_renders_in_a_process_of_its_own_and_a_later_one_here(site_root, monkeypatch):
    from sitegen import pipeline

    pids, render_site = Seen(), pipeline.render_site
    monkeypatch.setattr(pipeline, "render_site", lambda *a, **k: pids.append(os.getpid()) or render_site(*a, **k))
    first = build_site(site_root)
    (site_root / "content/news/hoi-nghi.vi.md").write_text(
        (site_root / "content/news/hoi-nghi.vi.md").read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8"
    )
    later = build_site(site_root)
    assert [pid == os.getpid() for pid in pids] == [False, True]
    assert later.pages_per_language == first.pages_per_language
    assert (site_root / "public/tin-tuc/hoi-nghi-thi-dua-nam-2021/index.html").is_file()


def test_ctrl_c_during_a_build_says_it_stopped_without_a_traceback_and_publishes_nothing(tmp_path, capsys):
    from benchmarks import corpus
    from sitegen.cli import STOPPED, main

    root, out = tmp_path / "site", tmp_path / "public"
    corpus.generate(root, 200)
    building = tmp_path / f".public.building-{os.getpid()}"
    with ctrl_c_once(lambda: building.is_dir() and any(building.iterdir())):  # pages being written
        status = main(["build", "--root", str(root), "--output", str(out)])
    assert status == STOPPED == 130
    said = capsys.readouterr().err
    assert "Stopped (Ctrl+C). The output folder holds the last whole build" in said, said
    assert "Traceback" not in said and "KeyboardInterrupt" not in said
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # no output, nothing half-made beside it


def test_a_build_ended_by_another_program_stops_as_on_ctrl_c_and_leaves_nothing_behind(tmp_path):
    import subprocess
    import sys

    from conftest import PROJECT

    from benchmarks import corpus

    root, out = tmp_path / "site", tmp_path / "public"
    corpus.generate(root, 400)
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root), "--output", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    building = tmp_path / f".public.building-{process.pid}"
    deadline = time.monotonic() + 60
    while not (building.is_dir() and any(building.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.01)  # until pages are being written
    process.terminate()  # SIGTERM, as a CI runner cancelling a job or `kill` sends
    _, said = process.communicate(timeout=60)
    assert process.returncode == 130, said
    assert "Stopped (SIGTERM). The output folder holds the last whole build" in said
    assert "Traceback" not in said
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]
