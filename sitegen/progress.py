"""Progress of a long build on a terminal: one line with the stage and a count, nothing in CI logs or pipes."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import TextIO


class Progress:
    """One status line, "[3/7] Converting Markdown 12,000/20,000", rewritten in place.

    Nothing is shown before `delay` seconds have passed, so a fast build stays silent, and the line
    is redrawn at most once per `interval` seconds, so 20,000 advances cost 20,000 clock reads.
    Without threads the line changes only when stage() or advance() is called.
    """

    def __init__(
        self,
        stream: TextIO | None,
        stages: int | None = None,
        delay: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
        ansi: bool = True,
    ) -> None:
        """Show progress on stream (None: show nothing); ansi=False clears the line with spaces."""
        self._stream = stream
        self._stages = stages
        self._delay = delay
        self._clock = clock
        self._interval = interval
        self._ansi = ansi
        self._start = clock()
        self._last_draw: float | None = None
        self._shown = 0  # length of the line on screen, 0 when nothing is shown
        self._number = 0
        self._name = ""
        self._count = 0
        self._total: int | None = None

    @classmethod
    def for_terminal(
        cls,
        stream: TextIO | None = None,
        env: Mapping[str, str] | None = None,
        stages: int | None = None,
        delay: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> Progress:
        """Progress on stream (default sys.stderr) if it is a terminal, and quiet in CI or a dumb terminal."""
        stream = sys.stderr if stream is None else stream
        env = os.environ if env is None else env
        if not stream.isatty() or env.get("CI") or env.get("TERM") == "dumb":
            return cls.quiet()
        # The classic Windows console prints "\x1b[K" as text unless a program turns on its VT mode.
        return cls(stream, stages, delay, clock, ansi=os.name != "nt")

    @classmethod
    def quiet(cls) -> Progress:
        """A Progress that prints nothing."""
        return cls(None)

    def stage(self, name: str, total: int | None = None) -> None:
        """Start the next stage; total is how many items it will count, when known."""
        self._number += 1
        self._name, self._count, self._total = name, 0, total
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        """Add count items to the current stage."""
        self._count += count
        self._draw(force=False)

    def done(self) -> None:
        """Clear the line, if one was shown, and show nothing more."""
        if self._stream is not None and self._shown:
            self._write("")
        self._stream = None

    def _draw(self, force: bool) -> None:
        if self._stream is None:
            return
        now = self._clock()
        if now - self._start < self._delay:
            return
        if not force and self._last_draw is not None and now - self._last_draw < self._interval:
            return
        self._last_draw = now
        self._write(self._line())

    def _line(self) -> str:
        number = f"[{self._number}/{self._stages}] " if self._stages else ""
        if self._total is None:
            # A stage without a known size shows its count once something was counted, else its name alone.
            return f"{number}{self._name} {self._count:,}" if self._count else f"{number}{self._name}"
        return f"{number}{self._name} {self._count:,}/{self._total:,}"

    def _write(self, line: str) -> None:
        assert self._stream is not None
        if self._ansi:
            text = f"\r{line}\x1b[K"
        else:
            padding = " " * max(0, self._shown - len(line))
            text = f"\r{line}{padding}" + ("\r" if not line else "")
        self._stream.write(text)
        self._stream.flush()
        self._shown = len(line)
