"""Lighthouse budgets: build the site, serve it on 127.0.0.1, score home, a post and a results page.

    python scripts/budgets.py            # needs `npm ci` (lighthouse) and /usr/bin/chromium

Budgets: 100 for accessibility, best practices and SEO, at least 95 for performance (Lighthouse's
mobile profile with simulated slow 4G). Prints a table of the scores and page weights, exits 1 when
a budget is missed. The pages are built with the served address as base URL, so canonical links,
hreflang and the sitemap point where Lighthouse looks.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from sitegen.model import BuildOptions  # noqa: E402
from sitegen.pipeline import build  # noqa: E402

LIGHTHOUSE = PROJECT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
# (name, glob under the output folder); the first match is scored.
PAGES = (("home", "index.html"), ("post", "tin-tuc/*/index.html"), ("results", "ket-qua/*/index.html"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_copy(folder: Path, base_url: str) -> Path:
    """Build a copy of the project's sources into folder/public with the given base URL."""
    root = folder / "project"
    root.mkdir()
    for name in ("content", "layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    build(root, BuildOptions(now=datetime.now(UTC)), output=root / "public", base_url=base_url)
    return root / "public"


def score(url: str, report: Path) -> dict:
    """Run Lighthouse on one address; the scores (0-100) and the bytes transferred."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        timeout=300,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = {
        name: [a for a in (r["id"] for r in data["categories"][name]["auditRefs"]) if _failed(data["audits"][a])]
        for name in CATEGORIES
    }
    weight = data["audits"]["total-byte-weight"]["numericValue"]
    requests = len(data["audits"]["network-requests"]["details"]["items"])
    return {"scores": scores, "failed": failed, "bytes": int(weight), "requests": requests}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _failed(audit: dict) -> bool:
    return audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"


def main() -> int:
    """Build, serve, score each page, print the table; 1 if any budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the JSON reports in .cache/lighthouse/")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: run `npm ci` in the project folder", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    missed = []
    with tempfile.TemporaryDirectory() as temp:
        output = build_copy(Path(temp), base)
        handler = functools.partial(_QuietHandler, directory=str(output))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        reports = PROJECT / ".cache" / "lighthouse" if args.keep else Path(temp)
        reports.mkdir(parents=True, exist_ok=True)
        print(f"{'page':10} {'perf':>5} {'a11y':>5} {'bp':>5} {'seo':>5} {'bytes':>8} {'requests':>8}  address")
        try:
            for name, pattern in PAGES:
                found = sorted(output.glob(pattern))
                if not found:
                    print(f"{name:10} (no page matches {pattern})")
                    continue
                path = found[0].relative_to(output).as_posix().removesuffix("index.html")
                result = score(base + path, reports / f"{name}.json")
                s = result["scores"]
                print(
                    f"{name:10} {s['performance']:>5} {s['accessibility']:>5} {s['best-practices']:>5} "
                    f"{s['seo']:>5} {result['bytes']:>8} {result['requests']:>8}  /{path}"
                )
                for category, minimum in MINIMUM.items():
                    if s[category] < minimum:
                        missed.append(f"{name}: {category} {s[category]} < {minimum} ({result['failed'][category]})")
        finally:
            server.shutdown()
    for line in missed:
        print("MISSED", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
