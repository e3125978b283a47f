"""The command line: build now; serve, check and new share its options."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sitegen.errors import BuildError
from sitegen.model import BuildOptions
from sitegen.pipeline import build


def parser() -> argparse.ArgumentParser:
    """Arguments of build.py."""
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Build the bloc's bilingual website from content/, layouts/, static/ and site.yaml.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site into the output folder (the default command)")
    add_build_options(build_cmd)
    return main


def add_build_options(command: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds."""
    command.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: this folder)")
    command.add_argument("--output", type=Path, help="output folder (default: output_dir in site.yaml)")
    command.add_argument("--base-url", help="the site's public address, e.g. https://example.org/khoi-thi-dua/")
    command.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    command.add_argument("--future", action="store_true", help="include posts dated in the future")


def main(argv: list[str] | None = None) -> int:
    """Run one command; 0 on success, 1 when the site has errors."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = parser().parse_args(argv)
    _utf8_console()
    root = args.root.resolve()
    options = BuildOptions(now=datetime.now(UTC), drafts=args.drafts, future=args.future)
    try:
        result = build(root, options, output=args.output, base_url=args.base_url)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print("Nothing was published: the previous output is unchanged.", file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def _utf8_console() -> None:
    # Windows consoles may default to a code page that cannot print Vietnamese.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
