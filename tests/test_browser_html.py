"""Every built page passes the Nu HTML checker (vnu), the validator behind validator.w3.org."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime

from browser_support import PROJECT, require_vnu
from conftest import build_site


def test_every_page_of_the_real_site_is_valid_html(tmp_path):
    java, jar = require_vnu()
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "layouts", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
    build_site(root, now=datetime(2026, 1, 1, tzinfo=UTC), base_url="https://example.org/khoi-thi-dua/")
    pages = sorted((root / "public").rglob("*.html"))
    assert len(pages) > 20
    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').split('/public/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == []
