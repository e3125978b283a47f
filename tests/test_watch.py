"""serve's watcher: the operating system's file events reach the right task with the changed paths."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from tornado.ioloop import IOLoop

from sitegen import watch
from sitegen.watch import EventWatcher

GIVE_UP = 15  # seconds: a generous bound for an event to arrive, not a measure of speed


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content" / "news").mkdir(parents=True)
    (tmp_path / "layouts").mkdir()
    (tmp_path / "content" / "news" / "bai.vi.md").write_text("---\ntitle: Bài\n---\n\nMột.\n", encoding="utf-8")
    (tmp_path / "layouts" / "post.html").write_text("{{ page.title }}", encoding="utf-8")
    (tmp_path / "site.yaml").write_text("title: x\n", encoding="utf-8")
    return tmp_path


def watch_while(project: Path, change, quiet_for: float | None = None) -> list[tuple[str, list[str]]]:
    """Start watching content/, layouts/ and site.yaml, make the change, and return what each task was given.

    The first answer stops the loop; with `quiet_for`, the loop runs that long and any answer is returned.
    """
    calls: list[tuple[str, list[str]]] = []
    watcher = EventWatcher()
    for name in ("content", "layouts", "site.yaml"):
        watcher.watch(str(project / name), lambda paths, name=name: calls.append((name, paths)))
    loop = IOLoop()
    started: list[bool] = []

    def answer() -> None:
        watcher.examine()
        if quiet_for is None:
            loop.stop()

    def begin() -> None:  # on the running loop, as livereload starts its watcher when a browser connects
        started.append(watcher.start(answer))
        loop.call_later(0.3, change)  # once the observer has started
        loop.call_later(quiet_for or GIVE_UP, loop.stop)

    try:
        loop.add_callback(begin)
        loop.start()
    finally:
        watcher.stop()
        loop.close()
    assert started == [True]
    return calls


def test_a_saved_post_reaches_the_content_task_with_its_path(project: Path):
    post = project / "content" / "news" / "bai.vi.md"
    calls = watch_while(project, lambda: post.write_text("---\ntitle: Bài\n---\n\nHai.\n", encoding="utf-8"))
    assert calls == [("content", [str(post)])]


def test_a_save_made_of_several_events_is_answered_once(project: Path):
    post = project / "content" / "news" / "bai.vi.md"

    def save_as_editors_do() -> None:  # a new file written beside the old one, then renamed over it
        fresh = post.with_name("bai.vi.md.tmp")
        fresh.write_text("---\ntitle: Bài\n---\n\nBa.\n", encoding="utf-8")
        os.replace(fresh, post)

    calls = watch_while(project, save_as_editors_do)
    assert len(calls) == 1
    name, paths = calls[0]
    assert name == "content" and str(post) in paths


def test_a_post_written_in_place_is_answered_when_it_is_closed_without_waiting_to_settle(project: Path, monkeypatch):
    monkeypatch.setattr(watch, "SETTLE", 10 * GIVE_UP)  # only an answer to the save made whole comes in time
    post = project / "content" / "news" / "bai.vi.md"

    def save_in_place() -> None:  # as most editors and the benchmark save: the file opened, written, closed
        with post.open("a", encoding="utf-8") as file:
            file.write("\nHai.\n")
            file.flush()
            os.fsync(file.fileno())  # written before it is closed, as a long save is

    assert watch_while(project, save_in_place) == [("content", [str(post)])]


def test_a_save_renamed_over_the_post_is_answered_when_renamed(project: Path, monkeypatch):
    monkeypatch.setattr(watch, "SETTLE", 10 * GIVE_UP)
    post = project / "content" / "news" / "bai.vi.md"

    def save_as_editors_do() -> None:
        fresh = post.with_name("bai.vi.md.tmp")
        fresh.write_text("---\ntitle: Bài\n---\n\nNăm.\n", encoding="utf-8")
        os.replace(fresh, post)

    calls = watch_while(project, save_as_editors_do)
    assert len(calls) == 1 and str(post) in calls[0][1]


def test_a_new_file_or_one_renamed_away_waits_to_settle(project: Path, monkeypatch):
    # A new post's name may still change; a post renamed away (an editor's backup) is not there until its
    # new copy is written: neither is a save made whole, so neither is answered before SETTLE.
    monkeypatch.setattr(watch, "SETTLE", 10 * GIVE_UP)
    post = project / "content" / "news" / "bai.vi.md"

    def new_post_and_a_backup_first_save() -> None:
        (project / "content" / "news" / "moi.vi.md").write_text("---\ntitle: Mới\n---\n", encoding="utf-8")
        post.rename(post.with_name("bai.vi.md~"))
        post.write_text("---\ntitle: Bài\n---\n\nSáu.\n", encoding="utf-8")

    assert watch_while(project, new_post_and_a_backup_first_save, quiet_for=1.5) == []


def test_a_layout_and_the_settings_reach_their_own_tasks(project: Path):
    def edit_both() -> None:
        (project / "layouts" / "post.html").write_text("<h1>{{ page.title }}</h1>", encoding="utf-8")
        (project / "site.yaml").write_text("title: y\n", encoding="utf-8")

    calls = watch_while(project, edit_both, quiet_for=1.5)
    given = {name: paths for name, paths in calls}
    assert str(project / "layouts" / "post.html") in given["layouts"]
    assert str(project / "site.yaml") in given["site.yaml"]


def test_reading_files_and_writing_outside_the_watched_ones_wakes_nothing(project: Path):
    def read_and_write_elsewhere() -> None:
        (project / "content" / "news" / "bai.vi.md").read_text(encoding="utf-8")  # what every build does
        (project / "published-urls.txt").write_text("/tin-tuc/bai/\n", encoding="utf-8")
        (project / ".cache").mkdir()
        (project / ".cache" / "state").write_text("x", encoding="utf-8")

    assert watch_while(project, read_and_write_elsewhere, quiet_for=1.5) == []


def test_where_the_systems_events_fail_a_save_is_found_by_looking_at_every_file(project: Path, monkeypatch, capsys):
    class Refused(watch.Observer):  # as when Linux's limit of watched folders is reached
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Refused)
    calls: list[object] = []
    watcher = EventWatcher()
    watcher.watch(str(project / "content"), lambda paths=None: calls.append(paths))

    async def begin() -> bool:
        return watcher.start(lambda: None)

    assert IOLoop().run_sync(begin) is False
    assert "by looking at every file" in capsys.readouterr().out
    watcher.examine()  # livereload's first look notes the time of every file
    calls.clear()
    post = project / "content" / "news" / "bai.vi.md"
    post.write_text("---\ntitle: Bài\n---\n\nBốn.\n", encoding="utf-8")
    os.utime(post, ns=(post.stat().st_atime_ns, post.stat().st_mtime_ns + 2_000_000_000))
    watcher.examine()  # livereload polls every 0.8 s
    assert len(calls) == 1


def test_started_before_serve_starts_it_again_the_watcher_goes_on_as_it_is_and_stops_whole(project: Path):
    watcher = EventWatcher()
    watcher.watch(str(project / "content"), lambda paths: None)

    async def begin() -> tuple[bool, bool]:
        return watcher.start(lambda: None), watcher.start(lambda: None)

    try:
        assert IOLoop().run_sync(begin) == (True, True)
    finally:
        watcher.stop()
    assert not [thread for thread in threading.enumerate() if isinstance(thread, watch.Observer)]
