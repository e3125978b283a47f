"""A deterministic bilingual corpus of N news posts, written as a complete project folder.

Every post has a Vietnamese file and an English translation (same stem), a 3-4 KB body with
headings, lists, a figure with a caption and now and then a table, tags from a fixed vocabulary
and a date in Vietnam time spread over ten years. Only random.Random is used, seeded per post,
so the same N always gives byte-identical files (and a smaller corpus is a prefix of a larger one).

    python benchmarks/corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.words import (  # noqa: E402
    EN_HEADINGS,
    EN_ITEMS,
    EN_RANKS,
    EN_SENTENCES,
    EVENTS,
    PLACES,
    TAGS,
    TOPICS,
    UNITS,
    VI_HEADINGS,
    VI_ITEMS,
    VI_RANKS,
    VI_SENTENCES,
)
from sitegen.vietnamese import slugify  # noqa: E402

SEED = 2021
VIETNAM = timezone(timedelta(hours=7))
FIRST_DATE = datetime(2015, 7, 1, 7, 0, tzinfo=VIETNAM)
SPAN_SECONDS = 10 * 365 * 24 * 3600
FIGURE = "images/bench/hoi-nghi-khoi-thi-dua.jpg"
# What is copied from the project besides the generated news: settings, templates, static files,
# the plain pages the menu links to, and the results data once the project has it.
PROJECT_FILES = (
    "site.yaml",
    "layouts",
    "static",
    "content/pages",
    "content/units.yaml",
    "content/pledges",
    "content/results",
)
# Years of results data made from the project's own results file (units are members from 2018).
RESULT_YEARS = range(2018, 2026)


@dataclass(frozen=True)
class Post:
    """One generated post: its stem and both language files' text."""

    stem: str
    vi: str
    en: str


@dataclass(frozen=True)
class Corpus:
    """What generate() wrote."""

    root: Path
    posts: int
    stems: tuple[str, ...]
    copied: tuple[str, ...]
    missing: tuple[str, ...]


def make_post(index: int, seed: int = SEED) -> Post:
    """Post number `index` (0-based); depends only on seed and index."""
    rng = random.Random(f"{seed}:{index}")  # noqa: S311 - reproducible text, not secrets
    when = FIRST_DATE + timedelta(seconds=rng.randrange(SPAN_SECONDS))
    when = when.replace(second=0)
    unit = rng.choice(UNITS)
    event = rng.choice(EVENTS)
    topic = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    tags = rng.sample(TAGS, rng.randint(2, 4))
    number = index + 1
    title_vi = f"{event[0]} {topic[0]} năm {when.year} tại {place[0]}"
    title_en = f"{event[1]} {topic[1]} in {when.year} in {place[1]}"
    slug_vi = _slug(f"{event[0]} {topic[0]} {when.year}", number)
    slug_en = _slug(f"{event[1]} {topic[1]} {when.year}", number)
    stem = f"{when:%Y-%m-%d}-bai-{number:05d}"
    holes = {"year": when.year, "place": place, "unit": unit, "topic": topic}
    body_rng_state = rng.getstate()
    vi_body = _body(rng, 0, holes, VI_SENTENCES, VI_HEADINGS, VI_ITEMS, VI_RANKS, "Đơn vị", "Điểm", "Xếp loại")
    rng.setstate(body_rng_state)  # the translation follows the same outline
    en_body = _body(rng, 1, holes, EN_SENTENCES, EN_HEADINGS, EN_ITEMS, EN_RANKS, "Unit", "Points", "Classification")
    summary_vi = f"{unit[0]} phối hợp với các đơn vị trong Khối tổ chức {event[0].lower()} {topic[0]} năm {when.year} tại {place[0]}."
    summary_en = f"{_capital(unit[1])} and the units of the bloc held a {event[1].lower()} {topic[1]} in {when.year} in {place[1]}."
    vi = _front_matter(
        {
            "title": title_vi,
            "slug": slug_vi,
            "date": when.isoformat(),
            "summary": summary_vi,
            "author": "Ban Biên tập",
            "source": unit[0],
            "tags": [t[0] for t in tags],
            "cover": {
                "src": FIGURE,
                "alt": f"Toàn cảnh {event[0].lower()} {topic[0]} tại {place[0]}",
                "caption": f"Ảnh: {event[0]} {topic[0]} năm {when.year}",
            },
        }
    )
    en = _front_matter(
        {
            "title": title_en,
            "slug": slug_en,
            "summary": summary_en,
            "cover": {
                "src": FIGURE,
                "alt": f"Overview of the {event[1].lower()} {topic[1]} in {place[1]}",
                "caption": f"Photo: {event[1]} {topic[1]} in {when.year}",
            },
        }
    )
    return Post(stem=stem, vi=vi + "\n" + vi_body, en=en + "\n" + en_body)


def _slug(text: str, number: int) -> str:
    """A unique slug: the words, cut short enough to keep the post number at the end."""
    words = slugify(text)[:60]
    return f"{words.rsplit('-', 1)[0] if len(words) == 60 else words}-{number}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _front_matter(fields: dict) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_quote(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(value)}]")
        elif key == "date":
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {_quote(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _body(rng, lang, holes, sentences, headings, items, ranks, unit_label, points_label, rank_label) -> str:
    """A 3-4 KB body: paragraphs, two headings, a list, a figure, sometimes a table."""

    def fill(template: str) -> str:
        count = rng.randint(3, 250)
        return template.format(
            count=count,
            year=holes["year"],
            place=holes["place"][lang],
            unit=holes["unit"][lang],
            topic=holes["topic"][lang],
        )

    def paragraph() -> str:
        return _capital(" ".join(fill(rng.choice(sentences)) for _ in range(rng.randint(3, 5))))

    target = rng.randint(3000, 3600)
    heads = rng.sample(headings, 2)
    blocks = [paragraph(), f"## {heads[0]}", paragraph()]
    list_items = [fill(rng.choice(items)) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.5:
        blocks.append("\n".join(f"- {_capital(item)};" for item in list_items))
    else:
        blocks.append("\n".join(f"{n}. {_capital(item)};" for n, item in enumerate(list_items, start=1)))
    alt = ("Đại biểu dự hội nghị tại {place}", "Delegates at the meeting in {place}")[lang]
    caption = (
        "Ảnh: Các đại biểu dự hội nghị về {topic} năm {year}",
        "Photo: Delegates at the meeting on {topic}, {year}",
    )[lang]
    blocks.append(f'![{fill(alt)}]({FIGURE} "{fill(caption)}")')
    if rng.random() < 0.3:
        rows = rng.sample(UNITS, rng.randint(4, 6))
        table = [f"| STT | {unit_label} | {points_label} | {rank_label} |", "|---:|---|---:|---|"]
        for n, row in enumerate(rows, start=1):
            points = rng.randint(850, 1000) / 10
            table.append(f"| {n} | {_capital(row[lang])} | {points:.1f} | {rng.choice(ranks)} |")
        blocks.append("\n".join(table))
    blocks.append(f"## {heads[1]}")
    # Grow sentence by sentence (paragraphs of up to five) so that the body lands between 3 and 4 KB.
    paragraph_sentences: list[str] = []
    while len("\n\n".join([*blocks, " ".join(paragraph_sentences)]).encode("utf-8")) < target:
        if len(paragraph_sentences) == 5:
            blocks.append(" ".join(paragraph_sentences))
            paragraph_sentences = []
        paragraph_sentences.append(fill(rng.choice(sentences)))
    if paragraph_sentences:
        blocks.append(" ".join(paragraph_sentences))
    blocks.append(("**BAN BIÊN TẬP**", "**EDITORIAL BOARD**")[lang])
    return "\n\n".join(blocks) + "\n"


def make_figure() -> bytes:
    """The one small photo every post shows (a drawn, deterministic JPEG)."""
    from io import BytesIO

    image = Image.new("RGB", (640, 360), (196, 40, 40))
    draw = ImageDraw.Draw(image)
    for y in range(0, 360, 4):
        shade = 120 + y // 3
        draw.rectangle((0, y, 640, y + 3), fill=(shade, 60, 50))
    draw.rectangle((80, 200, 560, 330), fill=(230, 220, 200))
    for x in range(100, 560, 40):
        draw.ellipse((x, 150, x + 28, 178), fill=(40, 40, 60))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=75, optimize=False)
    return buffer.getvalue()


def generate(root: Path, n: int, seed: int = SEED, project: Path = PROJECT) -> Corpus:
    """Write a complete project folder with n bilingual posts into root (which must not exist or be empty)."""
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"{root} is not empty: give a new folder for the corpus")
    copied, missing = [], []
    for name in PROJECT_FILES:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, root / name)
        else:
            missing.append(name)
            continue
        copied.append(name)
    _add_tag_translations(root / "site.yaml")
    _add_results(root / "content" / "results", seed)
    (root / "content" / FIGURE).parent.mkdir(parents=True, exist_ok=True)
    (root / "content" / FIGURE).write_bytes(make_figure())
    news = root / "content" / "news"
    news.mkdir(parents=True, exist_ok=True)
    stems = []
    for index in range(n):
        post = make_post(index, seed)
        (news / f"{post.stem}.vi.md").write_text(post.vi, encoding="utf-8", newline="\n")
        (news / f"{post.stem}.en.md").write_text(post.en, encoding="utf-8", newline="\n")
        stems.append(post.stem)
    return Corpus(root, n, tuple(stems), tuple(copied), tuple(missing))


def _add_results(folder: Path, seed: int) -> None:
    """One results file per year in RESULT_YEARS, with the first year's criteria and new scores."""
    templates = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not templates:
        return
    template = yaml.safe_load(templates[0].read_text(encoding="utf-8"))
    first_year = str(template["year"])
    criteria = [(c["id"], float(c["max"])) for group in template["groups"] for c in group["criteria"]]
    for year in RESULT_YEARS:
        path = folder / f"{year}.yaml"
        if path.exists():
            continue
        rng = random.Random(f"{seed}:results:{year}")  # noqa: S311 - reproducible data, not secrets
        data = dict(template, year=year)
        if isinstance(data.get("note"), dict):
            data["note"] = {lang: text.replace(first_year, str(year)) for lang, text in data["note"].items()}
        data["scores"] = [
            dict(
                score,
                points={key: rng.randint(int(top * 1.2), int(top * 2)) / 2 for key, top in criteria},
                votes=rng.randint(0, len(template["scores"])),
            )
            for score in template["scores"]
        ]
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8", newline="\n"
        )


def _add_tag_translations(site_yaml: Path) -> None:
    data = yaml.safe_load(site_yaml.read_text(encoding="utf-8"))
    tags = dict(data.get("tags") or {})
    for vi, en in TAGS:
        tags.setdefault(vi, {"en": en})
    data["tags"] = tags
    site_yaml.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8", newline="\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic bilingual benchmark corpus.")
    parser.add_argument("posts", type=int, help="number of bilingual posts (each is a .vi.md and an .en.md)")
    parser.add_argument("root", type=Path, help="a new folder for the project")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpus = generate(args.root, args.posts, args.seed)
    print(f"Wrote {corpus.posts} bilingual posts into {corpus.root}")
    if corpus.missing:
        print(f"Not in the project yet, so not in the corpus: {', '.join(corpus.missing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
