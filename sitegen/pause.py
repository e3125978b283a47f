"""Programs the preview runs in the background (Pagefind), held still for a moment while an edit is answered.

While serve's search index is made again after an edit, Pagefind keeps both cores of a small machine
busy. A save made then waited for them: from the save to the page on screen 67-224 ms at 10,000
posts, against 67-113 ms when nothing ran. serve now stops the running Pagefind (SIGSTOP) when it
answers an edit, and lets it go on (SIGCONT) once the browser has had time to fetch the new page.
Where the system has no such signals (Windows), nothing is held.

A program held still when serve ends would stay stopped for good, holding its memory (a stopped
program leaves Ctrl+C's signal for later, and nothing would ever let it go on): serve ends its
programs as it stops (`end`).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time

CAN_HOLD = hasattr(signal, "SIGSTOP") and hasattr(signal, "SIGCONT")


class PausableRuns:
    """The programs running for one purpose, which another thread may hold still for some seconds.

    `started` and `finished` are told of each program by the thread that runs them; `hold` may come
    from any thread, and a program started while others are held is held with them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._until = 0.0  # time.monotonic() until which programs are held
        self._timer: threading.Timer | None = None
        self._holds = 0  # counted up by each hold: only the last one's timer lets the programs go on
        self._ended = False

    def started(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.add(process)
            if self._ended:
                _end(process)
            elif time.monotonic() < self._until:
                _send(process, "SIGSTOP")

    def finished(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.discard(process)

    def hold(self, seconds: float) -> None:
        """Stop the running programs, and those started meanwhile, for `seconds` (from now, however
        long an earlier hold had left)."""
        if not CAN_HOLD:
            return
        with self._lock:
            self._until = time.monotonic() + seconds
            for process in self._running:
                _send(process, "SIGSTOP")
            if self._timer is not None:
                self._timer.cancel()
            self._holds += 1
            self._timer = threading.Timer(seconds, self._go_on, args=(self._holds,))
            self._timer.daemon = True
            self._timer.start()

    def end(self) -> None:
        """Kill the running programs, held or not, and any started from now on (their owner is ending)."""
        with self._lock:
            self._ended = True
            for process in self._running:
                _end(process)

    def held(self) -> bool:
        """Whether programs started now would be held."""
        with self._lock:
            return time.monotonic() < self._until

    def _go_on(self, hold: int) -> None:
        with self._lock:
            if hold != self._holds:  # a later hold, made as this timer went off, lets them go on later
                return
            self._until = 0.0
            self._timer = None
            for process in self._running:
                _send(process, "SIGCONT")


def _end(process: subprocess.Popen) -> None:
    # Killed even while stopped (SIGKILL needs no SIGCONT); one ending meanwhile is no error.
    with contextlib.suppress(ProcessLookupError):
        process.kill()


def _send(process: subprocess.Popen, name: str) -> None:
    # A program that has just ended is not signalled (Popen checks); one ending meanwhile is no error.
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(getattr(signal, name))
