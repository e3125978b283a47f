"""The command line: build now; serve, check and new share its options."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sitegen import collect
from sitegen.errors import BuildError
from sitegen.model import BuildOptions
from sitegen.parallel import default_jobs
from sitegen.pipeline import build
from sitegen.progress import Progress, timings_table


def parser() -> argparse.ArgumentParser:
    """Arguments of build.py."""
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Build the bloc's bilingual website from content/, layouts/, static/ and site.yaml.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site into the output folder (the default command)")
    add_build_options(build_cmd)
    build_cmd.add_argument(
        "--timings", action="store_true", help="after building, show how long each stage took (wall and CPU time)"
    )
    serve_cmd = commands.add_parser("serve", help="live preview with reload, drafts and future posts shown")
    _add_root(serve_cmd)
    serve_cmd.add_argument("--port", type=int, default=8000, help="port of the preview (default: 8000)")
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: only this computer)"
    )
    check_cmd = commands.add_parser(
        "check", help="check everything and report problems by file; writes nothing but .cache"
    )
    _add_root(check_cmd)
    check_cmd.add_argument("--base-url", help="the site's public address (default: base_url in site.yaml)")
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too (for CI)")
    new_cmd = commands.add_parser("new", help='create a post: new news "Tiêu đề bài viết"')
    _add_root(new_cmd)
    new_cmd.add_argument("kind", choices=("news", "page"), help="news (content/news) or page (content/pages)")
    new_cmd.add_argument("title", nargs="?", help="the title, in Vietnamese, in quotes")
    new_cmd.add_argument("--translate", metavar="STEM", help="create the translation of content/<kind>/STEM.vi.md")
    new_cmd.add_argument("--lang", default="en", help="language of the translation (default: en)")
    return main


def _add_root(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: this folder)")


def add_build_options(command: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds."""
    _add_root(command)
    command.add_argument("--output", type=Path, help="output folder (default: output_dir in site.yaml)")
    command.add_argument("--base-url", help="the site's public address, e.g. https://example.org/khoi-thi-dua/")
    command.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    command.add_argument("--future", action="store_true", help="include posts dated in the future")
    command.add_argument(
        "--jobs", type=int, default=default_jobs(), help="processes to use (default: one per core); same output"
    )


STOPPED = 130  # the exit status of a command stopped by Ctrl+C, as shells give one


class _Ended(KeyboardInterrupt):
    """Raised when another program ends this one (SIGTERM), its terminal closes (SIGHUP) or Ctrl+Break
    is pressed on Windows (SIGBREAK): the command stops as on Ctrl+C, removing what it had half made
    and ending the programs it runs (workers, Pagefind), instead of vanishing and leaving them behind."""


@contextlib.contextmanager
def _ended_as_by_ctrl_c() -> Iterator[None]:
    owner = os.getpid()

    def ended(number: int, frame: object) -> None:
        if os.getpid() != owner:  # a process forked by the build (a worker its parent stops): ended at once
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        raise _Ended(signal.Signals(number).name)

    names = [name for name in ("SIGTERM", "SIGHUP", "SIGBREAK") if hasattr(signal, name)]
    before = {name: signal.signal(getattr(signal, name), ended) for name in names}
    try:
        yield
    finally:
        for name, handler in before.items():
            signal.signal(getattr(signal, name), handler)


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 when the site has errors, STOPPED when stopped by Ctrl+C."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    _utf8_console()
    root = args.root.resolve()
    try:
        with _ended_as_by_ctrl_c():
            if args.command not in ("build", "check"):
                return _other_command(args, root)
            with collect.rarely():  # build and check end when done: the whole heap is left alone until then
                return _build(args, root) if args.command == "build" else _other_command(args, root)
    except KeyboardInterrupt as stop:
        # Not a fault: no traceback, which the editor's guide says to send to whoever maintains the tools.
        why = stop.args[0] if isinstance(stop, _Ended) else "Ctrl+C"
        said = " The output folder holds the last whole build: nothing half-made was published."
        print(f"Stopped ({why}).{said if args.command == 'build' else ''}", file=sys.stderr)
        return STOPPED


def _build(args: argparse.Namespace, root: Path) -> int:
    options = BuildOptions(now=datetime.now(UTC), drafts=args.drafts, future=args.future, jobs=max(1, args.jobs))
    progress = Progress.for_terminal(stages=4)  # shown after a couple of seconds, on a terminal, never in CI
    try:
        result = build(root, options, output=args.output, base_url=args.base_url, progress=progress)
    except BuildError as exc:
        progress.done()
        print(exc, file=sys.stderr)
        print("Nothing was published: the previous output is unchanged.", file=sys.stderr)
        return 1
    finally:
        progress.done()
    print(result.summary())
    if args.timings:
        print(timings_table(progress.times()))
    return 0


def _other_command(args: argparse.Namespace, root: Path) -> int:
    # Imported here: `build` should not pay for the web server's start-up.
    if args.command == "serve":
        from sitegen.serve import serve

        return serve(root, args.host, args.port)
    if args.command == "check":
        from sitegen.check import run_check

        return run_check(root, strict=args.strict, base_url=args.base_url)
    from sitegen.new import run_new

    return run_new(root, args.kind, args.title, args.translate, args.lang)


def _utf8_console() -> None:
    # Windows consoles may default to a code page that cannot print Vietnamese.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
