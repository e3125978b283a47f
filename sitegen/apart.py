"""Work done in a forked process of its own, so that the memory it used is given back when it ends.

A first build at 10,000 posts held its model (some 350 MB) while two Pagefind runs of 150-165 MB each
made the search index beside it: 580-680 MB together. Freeing the model first gave back only a third
of it (Python keeps freed memory in partly used arenas); the end of a process gives back all of it,
and the index now runs beside a process of about 55 MB (360-385 MB together). With --jobs 1 the
whole build stays under 400 MB. Where processes cannot be forked (Windows), the work runs in this
process, with the same result.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from sitegen.errors import BuildError, SiteError
from sitegen.progress import Progress

Result = TypeVar("Result")


class ApartError(Exception):
    """The traceback of an unexpected error in the forked process, as the cause of the error raised here."""


Outcome = tuple[bool, object, str]  # (done, the result or the exception raised, the traceback)


def in_own_process(work: Callable[[], Result], progress: Progress) -> Result:
    """work(), run in a forked child; its result (picklable, and best kept small) comes back, and so
    does any exception it raises: a BuildError as it was, another one with the child's traceback.

    The stages the child goes through are shown and timed by its copy of `progress`, which this
    process's then goes on from."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    # Ctrl-C is held while the child is forked, until this process knows the child and can stop it.
    unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    args = (work, progress, progress.cpu(), sending, unblocked)
    child = context.Process(target=_run, args=args, name="sitegen-build")
    try:
        child.start()
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # a Ctrl-C held meanwhile is raised here
        sending.close()  # the child holds the only sending end: its end, however it comes, ends recv()
        outcome, stages = receiving.recv()
    except EOFError:
        child.join()
        raise ended("its rendering process", child.exitcode) from None
    except BaseException:  # Ctrl-C, most often, which the child got too: it is not waited for
        signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # where start() failed
        if child.pid is not None:
            child.terminate()
            child.join()
        raise
    finally:
        receiving.close()
        sending.close()  # where start() failed
    child.join()
    progress.resume(stages)
    return returned(outcome)


def caught(work: Callable[[], object]) -> Outcome:
    """work()'s result, or any exception it raised with its traceback, to send to another process."""
    try:
        return (True, work(), "")
    except BaseException as exc:  # noqa: BLE001 - every ending goes back to the parent, which raises it
        return (False, exc, traceback.format_exc())


def answer(sending: Connection, outcome: Outcome, who: str, *more: object) -> None:
    """Send (outcome, *more); a result or exception that cannot be pickled becomes an error that says so."""
    try:
        sending.send((outcome, *more))
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - its traceback goes instead
        failure = f"{outcome[2]}{traceback.format_exc()}"
        sending.send(((False, RuntimeError(f"the build's {who} could not answer:\n{failure}"), ""), *more))


def returned(outcome: Outcome) -> Any:
    """The result another process sent, or its exception raised here: a BuildError as it was,
    another one with that process's traceback as its cause."""
    done, value, trace = outcome
    if done:
        return value
    if isinstance(value, BuildError):
        raise value
    raise value from ApartError(trace)


def ended(who: str, exit_code: int | None) -> BuildError:
    """The build error for a forked process that ended without an answer (killed when memory ran out, most often)."""
    message = f"{who} ended without an answer (exit code {exit_code})"
    hint = "if the machine ran out of memory, build again with one process: python build.py --jobs 1"
    return BuildError([SiteError("the build", message, hint=hint)])


def _run(
    work: Callable[[], object], progress: Progress, cpu_before: float, sending: Connection, unblocked: set
) -> None:
    signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # Ctrl-C as the parent had it before the fork
    progress.forked(cpu_before)
    outcome = caught(work)
    try:
        answer(sending, outcome, "rendering process", progress.state())
    except OSError:  # the parent stopped waiting (Ctrl-C)
        return
