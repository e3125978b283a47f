"""The `check` command: everything build validates, plus translations, photos and published addresses."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sitegen.assets import IMAGE_SUFFIXES
from sitegen.buildstate import BODIES, SqliteBodies, input_files, kept_sources, load_state, state_file
from sitegen.config import Config, load_config
from sitegen.content import load_documents
from sitegen.errors import BuildError, SiteError, display_path
from sitegen.images import picture
from sitegen.model import BuildOptions, Site, assemble_site
from sitegen.parallel import default_jobs
from sitegen.pipeline import Caches, render_site
from sitegen.published import RECORD, published_pages, read_record
from sitegen.translations_status import translation_status

MAX_BYTES = 3_000_000
MAX_PIXELS = 4000  # longer side
SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Finding:
    """A problem or a fact about one file; only errors (and, with --strict, warnings) fail the check."""

    severity: str
    problem: SiteError


def check_site(root: Path, now: datetime, base_url: str | None = None) -> list[Finding]:
    """Every finding for the site as the public build would publish it; nothing is written but the files
    read and the Markdown converted, into the caches of .cache/build that build and check share."""
    options = BuildOptions(now=now, jobs=default_jobs())
    findings: list[Finding] = []
    try:
        config = load_config(root, base_url=base_url)
        with kept_sources(config) as sources:
            # Pages are rendered on every core, for the errors only: none is kept. The Markdown is converted
            # into the build's own store, so the build that follows, as in the deploy workflow, converts
            # nothing again. A page whose fingerprint is the one the last public build into the output
            # folder wrote rendered without an error from the same inputs then: it is not rendered again.
            # With no such build, every page is rendered and none fingerprinted.
            prints = load_state(state_file(config, options)).prints or None
            caches = Caches(sources, SqliteBodies(root / BODIES), prints, input_files(config))
            rendered = render_site(root, options, base_url=base_url, caches=caches, sink=_discard)
        config, documents, site = rendered.config, rendered.documents, rendered.site
    except BuildError as exc:
        findings += [Finding("error", e) for e in exc.errors]
        try:
            config = load_config(root, base_url=base_url)
        except BuildError:
            return findings  # site.yaml is broken: render_site has reported it
        documents, _ = load_documents(config, options.jobs)
        site, _ = assemble_site(config, documents, options)
    findings += _translations(config, documents)
    findings += _photos(root)
    findings += _addresses(root, site)
    return findings


def _discard(_name: str, _data: bytes) -> None:
    pass


def _translations(config: Config, documents: Sequence) -> list[Finding]:
    findings = []
    for status in translation_status(config, documents):
        name = config.language(status.lang).name
        if status.state == "missing":
            findings.append(Finding("note", SiteError(status.source, f"translation ({name}): missing")))
        elif status.state == "draft":
            findings.append(
                Finding("note", SiteError(status.translation, f"translation ({name}): draft, not published"))
            )
        elif status.state == "stale":
            message = (
                f"translation ({name}): stale, {status.source} changed on {status.source_changed:%Y-%m-%d %H:%M} UTC,"
                f" after this translation ({status.translated:%Y-%m-%d %H:%M} UTC)"
            )
            hint = "update the translation from the Vietnamese text, then commit it"
            findings.append(Finding("note", SiteError(status.translation, message, None, hint)))
    return findings


def _photos(root: Path) -> list[Finding]:
    findings = []
    content = root / "content"
    hint = "shrink it to at most 2400 px on its longer side before adding it; the build makes the small copies itself"
    for path in sorted(p for p in content.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()):
        file = display_path(path, root)
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = f"the photo is too large: {size / 1_000_000:.1f} MB (limit {MAX_BYTES / 1_000_000:.0f} MB)"
            findings.append(Finding("warning", SiteError(file, message, None, hint)))
        found = picture(content, path.relative_to(content).as_posix())
        if found is None:
            findings.append(
                Finding(
                    "error",
                    SiteError(file, "this file is not a readable picture", None, "save it again as JPEG or PNG"),
                )
            )
        elif max(found.width, found.height) > MAX_PIXELS:
            message = f"the photo is too large: {found.width}×{found.height} px (limit {MAX_PIXELS} px)"
            findings.append(Finding("warning", SiteError(file, message, None, hint)))
    return findings


def _addresses(root: Path, site: Site) -> list[Finding]:
    record = read_record(root)
    current = published_pages(site)
    served = set(current.values())
    lines = {d.file: d.lines.get("slug") or d.lines.get("title") for d in site.documents}
    findings = []
    for file, old in sorted(record.items()):
        new = current.get(file)
        if new is None and old not in served:
            message = f"the published page /{old} is gone: the file was removed, renamed or made a draft"
            hint = f"readers' links to it now fail; if that is intended, delete the line '{file} {old}' in {RECORD}"
            findings.append(Finding("warning", SiteError(file, message, None, hint)))
        elif new is not None and new != old:
            slug = old.rstrip("/").rsplit("/", 1)[-1]
            message = f"the address of this published page changed from /{old} to /{new}"
            hint = (
                f"keep the old address by adding 'slug: {slug}' to the front matter; to move it on purpose, "
                f"change its line in {RECORD} (old links will then fail)"
            )
            findings.append(Finding("error", SiteError(file, message, lines.get(file), hint)))
    for file, address in sorted(current.items()):
        if file not in record:
            findings.append(Finding("note", SiteError(file, f"new page /{address}: recorded at the next build")))
    return findings


def format_report(findings: Sequence[Finding]) -> str:
    """The findings grouped by file, errors first, then a count of each kind."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_file[finding.problem.file].append(finding)
    blocks = []
    for file in sorted(by_file):
        rows = sorted(
            by_file[file], key=lambda f: (SEVERITIES.index(f.severity), f.problem.line or 0, f.problem.message)
        )
        lines = [file]
        for finding in rows:
            problem = finding.problem
            place = f" (line {problem.line})" if problem.line else ""
            lines.append(f"  {finding.severity}{place}: {problem.message}")
            if problem.hint:
                lines.append(f"      hint: {problem.hint}")
        blocks.append("\n".join(lines))
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    summary = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())
    return "\n\n".join([*blocks, f"Check: {summary}."])


def run_check(root: Path, strict: bool = False, base_url: str | None = None) -> int:
    """The `check` command: print the report; 1 on errors, or on warnings with --strict."""
    findings = check_site(root, datetime.now(UTC), base_url)
    print(format_report(findings))
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if errors or (strict and warnings):
        reason = "errors" if errors else "warnings (--strict)"
        print(f"The check failed because of {reason}.", file=sys.stderr)
        return 1
    return 0
