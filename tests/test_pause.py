"""Programs held still for a moment: stopped while held, going on after, and only those still running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import process_state

from sitegen.pause import CAN_HOLD, PausableRuns

WAIT = 15  # seconds: a generous bound for a signal to take effect, not a measure of speed
pytestmark = pytest.mark.skipif(
    not (CAN_HOLD and Path("/proc/self/stat").is_file()), reason="needs SIGSTOP and /proc to see a program's state"
)


def state(process: subprocess.Popen) -> str:
    return process_state(process.pid)


def becomes(process: subprocess.Popen, wanted: set[str]) -> str:
    deadline = time.monotonic() + WAIT
    while state(process) not in wanted and time.monotonic() < deadline:
        time.sleep(0.01)
    return state(process)


@pytest.fixture
def programs():
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return started[-1]

    yield start
    for process in started:
        process.kill()
        process.wait()


def test_a_held_program_stops_and_goes_on_once_the_hold_is_over(programs):
    runs, process = PausableRuns(), programs()
    runs.started(process)
    runs.hold(0.5)
    assert becomes(process, {"T"}) == "T"
    assert runs.held()
    assert becomes(process, {"S", "R"}) in {"S", "R"}
    assert not runs.held()


def test_a_program_started_while_others_are_held_is_held_with_them(programs):
    runs = PausableRuns()
    runs.hold(WAIT)
    process = programs()
    runs.started(process)
    assert becomes(process, {"T"}) == "T"


def test_a_second_hold_keeps_the_programs_still_until_it_is_over_too(programs):
    runs, process = PausableRuns(), programs()
    runs.started(process)
    runs.hold(0.2)
    runs.hold(WAIT)  # the first hold's timer must not let the program go on
    time.sleep(0.6)
    assert state(process) == "T"


def test_a_finished_program_is_left_alone(programs):
    runs, process = PausableRuns(), programs()
    runs.started(process)
    runs.finished(process)
    runs.hold(WAIT)
    time.sleep(0.2)
    assert state(process) in {"S", "R"}


def test_ending_kills_the_programs_even_held_still_and_any_started_after(programs):
    # A program held still when serve stops would otherwise stay stopped for good, holding its memory.
    runs, held = PausableRuns(), programs()
    runs.started(held)
    runs.hold(WAIT)
    assert becomes(held, {"T"}) == "T"
    runs.end()
    assert held.wait(timeout=WAIT) == -signal.SIGKILL
    late = programs()
    runs.started(late)
    assert late.wait(timeout=WAIT) == -signal.SIGKILL


CHILD = """
import sys
from pathlib import Path
from sitegen.pause import PausableRuns
from sitegen.search import _pagefind_program, _run_pagefind

class Telling(PausableRuns):
    def started(self, process):
        super().started(process)
        print(process.pid, flush=True)

runs, work = Telling(), Path(sys.argv[1])
runs.hold(3600)  # Pagefind is stopped as soon as it starts, as serve holds it while answering an edit
page = '<html lang="vi"><body><main data-pagefind-body><p>Hội nghị</p></main></body></html>'.encode()
(work / "staging").mkdir()
_run_pagefind(
    _pagefind_program(), {}, work / "staging", {"index.html": page}, {0: ["index.html"]}, {0: work / "made"}, {}, 1, runs
)
"""


def test_pagefind_held_still_when_serve_is_killed_outright_does_not_stay_stopped(tmp_path):
    # SIGKILL (or the out-of-memory killer) leaves serve no time to end its programs: a Pagefind run held
    # still then would keep its memory for good. In a process group of its own, the system ends it once
    # whoever takes it on is outside its session, as when serve runs in a terminal; here the owner starts
    # a session, so that the test does not depend on the session of the machine's first process.
    command = [sys.executable, "-c", CHILD, str(tmp_path)]
    owner = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        pagefind = int(owner.stdout.readline())
        deadline = time.monotonic() + WAIT
        while process_state(pagefind) != "T" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process_state(pagefind) == "T"
    finally:
        owner.kill()
        owner.wait()
    deadline = time.monotonic() + WAIT
    while _alive(pagefind) and time.monotonic() < deadline:
        time.sleep(0.01)
    left = _alive(pagefind) and process_state(pagefind)
    if left:
        os.kill(pagefind, signal.SIGKILL)  # not left behind by the test
    assert not left, f"Pagefind is left {left}"


def _alive(pid: int) -> bool:
    # Ended ('Z', until whoever took it on reaps it) or gone.
    try:
        return process_state(pid) != "Z"
    except FileNotFoundError:
        return False
