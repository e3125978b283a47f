"""The progress line of a long build: shown on a terminal after a delay, never in CI logs or pipes."""

import io

from sitegen.progress import Progress

TERMINAL_ENV = {"TERM": "xterm-256color"}


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    """A text stream that says it is not a terminal (a pipe, a file, a CI log)."""

    def isatty(self) -> bool:
        return False


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def shown(stream: io.StringIO) -> str:
    """What the terminal line shows now: the text after the last carriage return, trailing blanks removed."""
    return stream.getvalue().rsplit("\r", 1)[-1].replace("\x1b[K", "").rstrip(" ")


def long_build(progress: Progress, clock: Clock) -> None:
    """Two stages, well past the delay, with many small advances."""
    progress.stage("Reading content", 20000)
    clock.now += 5
    for _ in range(20000):
        progress.advance()
    progress.stage("Converting Markdown", 20000)
    clock.now += 1
    progress.advance(12000)


def test_a_terminal_sees_stage_and_count_after_the_delay():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=7, delay=1.5, clock=clock)
    progress.stage("Reading content", 20000)
    progress.stage("Converting Markdown", 20000)
    progress.stage("Rendering pages", 20000)
    clock.now += 2
    progress.advance(12000)
    assert stream.getvalue() == "\r[3/7] Rendering pages 12,000/20,000\x1b[K"


def test_a_stage_without_a_total_shows_its_count_alone():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=3, clock=clock)
    clock.now += 2
    progress.stage("Reading content", 20)
    progress.stage("Copying files")
    clock.now += 1
    progress.advance(1234)
    assert shown(stream) == "[2/3] Copying files 1,234"


def test_without_a_number_of_stages_only_the_name_and_count_are_shown():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    clock.now += 2
    progress.stage("Rendering pages", 34)
    assert shown(stream) == "Rendering pages 0/34"


def test_nothing_is_shown_before_the_delay():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=7, delay=1.5, clock=clock)
    progress.stage("Reading content", 34)
    progress.advance(34)
    clock.now += 1.4
    progress.stage("Rendering pages", 34)
    progress.advance(34)
    progress.done()
    assert stream.getvalue() == ""


def test_a_fast_build_with_the_default_delay_stays_silent():
    stream = Terminal()
    progress = Progress.for_terminal(stream, env=TERMINAL_ENV, stages=2)
    progress.stage("Reading content", 34)
    progress.advance(34)
    progress.done()
    assert stream.getvalue() == ""


def test_a_terminal_outside_ci_shows_a_long_build():
    stream, clock = Terminal(), Clock()
    long_build(Progress.for_terminal(stream, env=TERMINAL_ENV, stages=7, clock=clock), clock)
    assert shown(stream) == "[2/7] Converting Markdown 12,000/20,000"


def test_ci_logs_stay_quiet_even_on_a_terminal():
    stream, clock = Terminal(), Clock()
    progress = Progress.for_terminal(stream, env={"CI": "true", "TERM": "xterm"}, stages=7, clock=clock)
    long_build(progress, clock)
    progress.done()
    assert stream.getvalue() == ""


def test_an_empty_ci_variable_does_not_count_as_ci():
    stream, clock = Terminal(), Clock()
    long_build(Progress.for_terminal(stream, env={"CI": "", "TERM": "xterm"}, clock=clock), clock)
    assert "Converting Markdown" in stream.getvalue()


def test_a_dumb_terminal_stays_quiet():
    stream, clock = Terminal(), Clock()
    long_build(Progress.for_terminal(stream, env={"TERM": "dumb"}, clock=clock), clock)
    assert stream.getvalue() == ""


def test_a_pipe_stays_quiet():
    stream, clock = Pipe(), Clock()
    progress = Progress.for_terminal(stream, env=TERMINAL_ENV, clock=clock)
    long_build(progress, clock)
    progress.done()
    assert stream.getvalue() == ""


def test_a_quiet_progress_prints_nothing_and_accepts_every_call():
    progress = Progress.quiet()
    progress.stage("Reading content", 3)
    progress.advance(3)
    progress.done()
    progress.done()


def test_redraws_are_throttled():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=1, delay=1.5, clock=clock)
    clock.now += 2
    progress.stage("Converting Markdown", 20000)
    for _ in range(20000):
        progress.advance()
        clock.now += 0.0001  # 20,000 advances over two seconds
    draws = stream.getvalue().count("\r")
    assert 15 <= draws <= 22
    assert shown(stream).startswith("[1/1] Converting Markdown 19,")


def test_a_new_stage_is_shown_at_once_even_within_the_throttle():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=2, clock=clock)
    clock.now += 2
    progress.stage("Converting Markdown", 10)
    progress.advance(10)
    progress.stage("Rendering pages", 10)
    assert shown(stream) == "[2/2] Rendering pages 0/10"


def test_done_ends_the_line():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, stages=2, clock=clock)
    clock.now += 2
    progress.stage("Rendering pages", 10)
    progress.done()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert shown(stream) == ""
    progress.advance(5)
    progress.stage("Writing files")
    assert stream.getvalue().endswith("\r\x1b[K")


def test_done_writes_nothing_when_nothing_was_shown():
    stream = Terminal()
    progress = Progress(stream, stages=2)
    progress.stage("Rendering pages", 10)
    progress.done()
    assert stream.getvalue() == ""


def test_without_ansi_a_shorter_line_is_cleared_with_spaces():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock, ansi=False)
    clock.now += 2
    progress.stage("Converting Markdown", 20000)
    progress.stage("Writing", 3)
    assert "\x1b" not in stream.getvalue()
    padding = len("Converting Markdown 0/20,000") - len("Writing 0/3")
    assert stream.getvalue().endswith("\rWriting 0/3" + " " * padding)
    progress.done()
    assert stream.getvalue().endswith("\r" + " " * len("Writing 0/3") + "\r")


class TerminalFile(io.FileIO):
    """A file that says it is a terminal: what a build's forked process writes to it is kept, as on a screen."""

    def isatty(self) -> bool:
        return True


def test_a_real_build_reports_each_stage_with_its_count_and_time(site_root, tmp_path):
    from conftest import build_site

    screen = tmp_path / "screen"
    with io.TextIOWrapper(TerminalFile(screen, "w"), encoding="utf-8", write_through=True) as terminal:
        progress = Progress(terminal, stages=4, delay=0, interval=0)
        build_site(site_root, progress=progress)  # the first three stages run in the build's own process
    log = screen.read_text(encoding="utf-8")
    for stage in ("[1/4] Reading content", "[2/4] Converting Markdown", "[3/4] Rendering pages", "[4/4] Search index"):
        assert stage in log
    assert "/8" in log  # the content files read, out of their total
    times = progress.times()
    assert [t.name for t in times] == [
        "Checking for changes",
        "Reading content",
        "Converting Markdown",
        "Rendering pages",
        "Search index",
    ]
    assert all(t.wall >= 0 and t.cpu >= 0 for t in times)  # the forked process's CPU time counts on from ours
    assert sum(t.cpu for t in times[1:4]) > 0.01


def test_a_cached_rebuild_counts_only_the_work_left(site_root):
    from conftest import build_site

    build_site(site_root)
    post = site_root / "content/news/hoi-nghi.vi.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    terminal = Terminal()
    build_site(site_root, progress=Progress(terminal, stages=4, delay=0, interval=0))
    assert "Reading content 1/1" in terminal.getvalue()


class CpuClock:
    """CPU time that moves only when the test says so."""

    def __init__(self) -> None:
        self.used = 10.0

    def __call__(self) -> float:
        return self.used


def test_each_stage_is_timed_from_its_start_to_the_next_in_wall_and_cpu_time():
    clock, cpu = Clock(), CpuClock()
    progress = Progress(None, clock=clock, cpu=cpu)
    clock.now += 0.5
    cpu.used += 0.25
    progress.stage("Reading content", 10)
    clock.now += 2
    cpu.used += 3.5
    progress.stage("Search index")
    clock.now += 1
    cpu.used += 2
    times = progress.times()
    assert [(t.name, t.wall, t.cpu) for t in times] == [
        ("Checking for changes", 0.5, 0.25),
        ("Reading content", 2.0, 3.5),
        ("Search index", 1.0, 2.0),  # the current stage counts until now
    ]


def test_stage_times_are_kept_even_when_nothing_is_shown():
    clock = Clock()
    progress = Progress.for_terminal(stream=Pipe(), env={"CI": "true"}, clock=clock)
    progress.stage("Rendering pages", 3)
    clock.now += 4
    assert [(t.name, t.wall) for t in progress.times()][-1] == ("Rendering pages", 4.0)


def test_the_timings_table_shows_each_stage_the_total_and_the_cores_used():
    from sitegen.progress import StageTime, timings_table

    table = timings_table((StageTime("Reading content", 2.0, 3.0), StageTime("Search index", 4.0, 8.0)))
    rows = [line.split() for line in table.splitlines()]
    assert rows[0] == ["stage", "wall", "s", "CPU", "s", "cores"]
    assert rows[1] == ["Reading", "content", "2.00", "3.00", "1.50"]
    assert rows[2] == ["Search", "index", "4.00", "8.00", "2.00"]
    assert rows[3] == ["total", "6.00", "11.00", "1.83"]


def test_build_with_timings_prints_every_stage_of_a_real_build(site_root, capsys):
    from sitegen.cli import main

    assert main(["build", "--root", str(site_root), "--timings"]) == 0
    printed = capsys.readouterr().out
    stages = [line.rsplit(maxsplit=3)[0] for line in printed.splitlines()[2:]]
    assert stages == [
        "Checking for changes",
        "Reading content",
        "Converting Markdown",
        "Rendering pages",
        "Search index",
        "total",
    ]
    total_wall, total_cpu = (float(value) for value in printed.splitlines()[-1].split()[1:3])
    assert total_wall > 0 and total_cpu > 0
    # Without the option only the summary is printed.
    assert main(["build", "--root", str(site_root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Nothing changed since the last build")


def test_build_and_check_collect_the_whole_heap_rarely_and_give_the_settings_back(site_root, monkeypatch):
    import gc

    from sitegen import check, cli, collect

    seen = []
    real_build, real_check = cli.build, check.run_check
    monkeypatch.setattr(cli, "build", lambda *a, **k: seen.append(("build", gc.get_threshold())) or real_build(*a, **k))
    monkeypatch.setattr(
        check, "run_check", lambda *a, **k: seen.append(("check", gc.get_threshold())) or real_check(*a, **k)
    )
    before = gc.get_threshold()
    assert cli.main(["build", "--root", str(site_root)]) == 0
    assert cli.main(["check", "--root", str(site_root)]) == 0
    assert seen == [("build", collect.RARELY), ("check", collect.RARELY)]
    assert collect.RARELY[0] > before[0] and collect.RARELY[2] > before[2]
    assert gc.get_threshold() == before
