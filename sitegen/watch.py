"""serve's watcher: the operating system reports each saved file, instead of a look at every file.

livereload's own watcher looks at the time of every watched file each 0.8 s: an edit waited 0.4 s on
average before anything happened, and at 10,000 posts each look went through 20,000 files. This one
is told by the operating system (watchdog: inotify on Linux, ReadDirectoryChangesW on Windows,
FSEvents on macOS) and answers an edit a few milliseconds after it is saved. Where that cannot start,
livereload's polling takes over.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from inspect import signature

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# An editor's save is often several events (a temporary file written, then renamed over the old one):
# they are answered together, this long after the first. Where the system tells when a save is whole
# (Linux), it is answered then instead: a file written in place and closed, or a file written new and
# renamed over the old one. That was a third of the time from a save to the page on screen.
SETTLE = 0.03  # seconds
_CHANGES = frozenset({"created", "modified", "deleted", "moved"})  # not "opened": builds read files
# A file opened for writing was closed (inotify's IN_CLOSE_WRITE; a file read is "closed_no_write").
_CLOSED = "closed"


class EventWatcher(Watcher):
    """livereload's Watcher, told of changes by watchdog; runs each changed path's task on the server's loop."""

    def __init__(self) -> None:
        super().__init__()
        self._changed: set[str] = set()
        self._lock = threading.Lock()
        self._observer: Observer | None = None
        self._started: bool | None = None  # whether the system's events came, once start was called

    def start(self, callback: Callable[[], None]) -> bool:
        """Watch every task's path; `callback` (livereload's poll_tasks) runs on this thread's loop after
        changes. False (livereload then polls) if the operating system's watching could not start.
        Started already (serve starts it before its first build), it goes on as it is."""
        if self._started is not None:
            return self._started
        self._started = False
        loop = IOLoop.current()
        handler = _Events(self, loop, callback)
        observer = Observer()
        try:
            for path in self._tasks:
                folder = path if os.path.isdir(path) else os.path.dirname(path)
                observer.schedule(handler, folder, recursive=os.path.isdir(path))
            observer.daemon = True
            observer.start()
        except OSError as error:
            print(f"Watching for changes by looking at every file (the system's file events failed: {error})")
            return False
        self._observer = observer
        self._started = True
        return True

    def stop(self) -> None:
        """Stop the operating system's watching (tests; serve runs until the process ends)."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join()

    def noticed(self, paths: list[str]) -> bool:
        """Keep the paths that belong to a task; True if there were any. Called from watchdog's thread."""
        mine = [path for path in map(os.path.abspath, paths) if not self.ignore(path) and self._task_of(path)]
        if mine:
            with self._lock:
                self._changed.update(mine)
        return bool(mine)

    def examine(self) -> tuple:
        """Run the task of each path changed since the last call, once per task.

        No path is returned: the tasks reload the browsers themselves when they have written pages.
        livereload would skip a reload within 3 s of the last one (a second save soon after the first
        went unseen), and a named file could make it reload a style sheet instead of the page.
        """
        if self._started is False:
            return super().examine()  # livereload's look at every file's time
        with self._lock:
            changed, self._changed = sorted(self._changed), set()
        self.filepath = None
        tasks: dict[int, tuple[dict, list[str]]] = {}
        for path in changed:
            task = self._task_of(path)
            if task is not None:
                tasks.setdefault(id(task), (task, []))[1].append(path)
        for task, paths in tasks.values():
            func = task["func"]
            if func is not None:
                # As livereload does: the changed paths for a task that takes them.
                func(paths) if signature(func).parameters else func()
        return None, None

    def _task_of(self, path: str) -> dict | None:
        # Compared in the file system's case (Windows ignores it); the path itself is kept as it came.
        found = _normal(path)
        for watched, task in self._tasks.items():
            inside = found == _normal(watched) or found.startswith(_normal(watched).rstrip(os.sep) + os.sep)
            if inside and (task["ignore"] is None or not task["ignore"](path)):
                return task
        return None


class _Events(FileSystemEventHandler):
    """watchdog's events, handed to the watcher; a burst gets one answer on the server's loop, SETTLE after
    its first event or as soon as the save is whole.

    Whole: a file modified in place is closed, or a file created during the burst is renamed over
    another (the temporary file of an editor's save). Not a file created and closed: a new post's name
    may still change; nor a file renamed away (an editor keeping a backup before it writes the new one).
    Windows and macOS do not report closed files; there every burst waits SETTLE.
    """

    def __init__(self, watcher: EventWatcher, loop: IOLoop, callback: Callable[[], None]):
        self.watcher = watcher
        self.loop = loop
        self.callback = callback
        self.waiting = threading.Event()  # an answer is scheduled and has not run yet
        self.burst = threading.Lock()  # the two sets below: filled on watchdog's thread, emptied on the loop's
        self.created: set[str] = set()  # files created since the last answer
        self.written: set[str] = set()  # files modified in place since the last answer

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if event.is_directory and kind in ("modified", _CLOSED):
            return
        path = os.fsdecode(event.src_path)
        if kind == _CLOSED:
            with self.burst:
                whole = path in self.written
            if whole:
                self.loop.add_callback(self._answer)
            return
        if kind not in _CHANGES:
            return
        paths = [path] + ([os.fsdecode(event.dest_path)] if kind == "moved" else [])
        if not self.watcher.noticed(paths):
            return
        with self.burst:
            whole = kind == "moved" and path in self.created
            if kind == "created":
                self.created.add(path)
            elif kind == "modified" and path not in self.created:
                self.written.add(path)
        if whole:
            self.loop.add_callback(self._answer)
        elif not self.waiting.is_set():
            self.waiting.set()
            self.loop.add_callback(self.loop.call_later, SETTLE, self._answer)

    def _answer(self) -> None:
        # Once per burst with its paths; an answer scheduled SETTLE after a burst answered whole finds none.
        self.waiting.clear()
        with self.burst:
            self.created.clear()
            self.written.clear()
        self.callback()


def _normal(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))
