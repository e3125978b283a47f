"""Work split over processes: the same results, in order, whichever way it runs; workers that have
made too much memory their own are replaced; none is left running."""

import multiprocessing
import os
import signal
import time

import pytest
from conftest import Seen, ctrl_c_once

from sitegen import parallel
from sitegen.apart import ApartError
from sitegen.errors import BuildError
from sitegen.parallel import chunk_bounds, map_chunks


def _add(base, chunk):
    return [base + x for x in chunk]


def _pids(_state, chunk):
    return [os.getpid()] * len(chunk)


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_back_in_the_items_order_and_every_item_is_counted(jobs):
    counted = []
    items = list(range(1234))
    results = map_chunks(_add, 10, items, jobs, counted.append)
    assert list(results) == [10 + x for x in items]
    assert sum(counted) == len(items)
    assert len(counted) > 1  # counted chunk by chunk, for the progress line


def test_results_can_be_used_before_the_last_chunk_is_done_and_stopping_early_leaves_no_worker():
    results = map_chunks(_add, 0, list(range(2000)), 2)
    assert next(results) == 0
    assert multiprocessing.active_children()
    results.close()
    assert multiprocessing.active_children() == []


def test_the_workers_inherit_the_state_this_process_made():
    state = {"made in": os.getpid(), "model": "mô hình"}

    def work(inherited, chunk):
        return [(inherited["made in"], inherited["model"], os.getpid()) for _ in chunk]

    results = list(map_chunks(work, state, list(range(600)), 2))
    assert {(made_in, model) for made_in, model, _ in results} == {(os.getpid(), "mô hình")}
    assert os.getpid() not in {worker for _, _, worker in results}


def test_a_worker_is_kept_while_it_makes_little_memory_its_own():
    counted = []
    pids = set(map_chunks(_pids, None, list(range(4000)), 2, counted.append))
    assert len(counted) >= 8
    assert len(pids) == 2


def test_a_worker_that_has_made_more_memory_its_own_than_the_limit_is_replaced_after_its_chunk(monkeypatch):
    monkeypatch.setattr(parallel, "RETIRE_MB", 16)
    inherited = [float(n) for n in range(1_000_000)]  # some 24 MB of objects, shared with each forked worker

    def touch_all(big, chunk):  # reading each object writes its reference count: its page is copied
        return [(os.getpid(), sum(big) > 0) for _ in chunk]

    counted = []
    results = list(map_chunks(touch_all, inherited, list(range(40)), 2, counted.append))
    assert all(touched for _, touched in results)
    assert len({pid for pid, _ in results}) == len(counted)  # a new worker for every chunk


def test_chunks_are_of_about_equal_weight_and_a_heavy_item_is_a_chunk_of_its_own():
    weights = [1] * 100 + [1000] + [1] * 300
    bounds = chunk_bounds(weights, 2)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == len(weights)
    assert all(end == start for (_, end), (start, _) in zip(bounds, bounds[1:], strict=False))  # contiguous
    assert (100, 101) in bounds
    most = -(-sum(weights) // 8)
    assert all(sum(weights[start:end]) <= most for start, end in bounds if (start, end) != (100, 101))
    assert len(chunk_bounds([1] * 400, 2)) == 8  # four chunks for each worker, where items weigh alike


def test_an_error_in_a_worker_comes_back_with_the_worker_traceback():
    def a_bug_in_a_chunk(_state, chunk):
        return [{}["no such key"] for _ in chunk]

    with pytest.raises(KeyError) as caught:
        list(map_chunks(a_bug_in_a_chunk, None, list(range(100)), 2))
    assert isinstance(caught.value.__cause__, ApartError)
    assert "a_bug_in_a_chunk" in str(caught.value.__cause__)
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_a_build_error_with_its_exit_code_and_what_to_do():
    with pytest.raises(BuildError) as caught:
        list(map_chunks(lambda _state, _chunk: os._exit(5), None, list(range(100)), 2))
    [error] = caught.value.errors
    assert "a worker process ended without an answer (exit code 5)" in error.message
    assert "--jobs 1" in error.hint
    assert multiprocessing.active_children() == []


def test_when_this_process_is_interrupted_its_workers_are_stopped_and_waited_for():
    started = Seen()

    def slow(_state, chunk):
        started.append(os.getpid())
        time.sleep(60)
        return list(chunk)

    begun = time.monotonic()
    with ctrl_c_once(lambda: len(started) >= 2), pytest.raises(KeyboardInterrupt):
        list(map_chunks(slow, None, list(range(100)), 2))
    assert time.monotonic() - begun < 30
    assert len(set(started)) == 2
    for pid in started:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # ended and reaped, not left running


def test_when_the_process_that_forked_the_workers_is_killed_they_end_too():
    workers = Seen()

    def work(_state, chunk):
        workers.append(os.getpid())
        return list(chunk)

    def build_killed_while_waiting():
        results = map_chunks(work, None, list(range(4000)), 2)
        next(results)
        time.sleep(60)  # killed meanwhile, as the machine's out-of-memory killer would

    build = multiprocessing.get_context("fork").Process(target=build_killed_while_waiting)
    build.start()
    deadline = time.monotonic() + 30
    while len(set(workers)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(build.pid, signal.SIGKILL)
    build.join()
    while any(_running(pid) for pid in set(workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(set(workers)) == 2
    assert not any(_running(pid) for pid in set(workers))


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
