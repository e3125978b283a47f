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

from sitegen.vietnamese import slugify  # noqa: E402

SEED = 2021
VIETNAM = timezone(timedelta(hours=7))
FIRST_DATE = datetime(2015, 7, 1, 7, 0, tzinfo=VIETNAM)
SPAN_SECONDS = 10 * 365 * 24 * 3600
FIGURE = "images/bench/hoi-nghi-khoi-thi-dua.jpg"
# What is copied from the project besides the generated news: settings, templates, static files,
# the plain pages the menu links to, and the results data once the project has it.
PROJECT_FILES = ("site.yaml", "layouts", "static", "content/pages", "content/units.yaml", "content/results")

# (Vietnamese, English) pairs.
TAGS = (
    ("Thi đua khen thưởng", "Emulation and commendation"),
    ("Hội nghị", "Conferences"),
    ("Giao ước thi đua", "Emulation pledge"),
    ("Tập huấn", "Training"),
    ("Chữ thập đỏ", "Red Cross"),
    ("Khuyến học", "Study promotion"),
    ("Người cao tuổi", "Older people"),
    ("Cựu chiến binh", "Veterans"),
    ("Từ thiện nhân đạo", "Humanitarian work"),
    ("Hiến máu tình nguyện", "Blood donation"),
    ("Phòng chống dịch", "Epidemic prevention"),
    ("Chuyển đổi số", "Digital transformation"),
    ("Cải cách hành chính", "Administrative reform"),
    ("Văn hóa công sở", "Workplace culture"),
    ("Điển hình tiên tiến", "Exemplary models"),
    ("Kiểm tra giám sát", "Inspection and supervision"),
    ("Tổng kết năm", "Year-end review"),
    ("Sơ kết", "Interim review"),
    ("Đại hội", "Congress"),
    ("Nông thôn mới", "New countryside"),
    ("Người nghèo", "The poor"),
    ("Trẻ em", "Children"),
    ("Môi trường", "Environment"),
    ("Văn học nghệ thuật", "Literature and arts"),
    ("Khoa học kỹ thuật", "Science and technology"),
    ("Y tế", "Health"),
    ("Pháp luật", "Law"),
    ("Báo chí", "Press"),
)

UNITS = (
    ("Hội Chữ thập đỏ tỉnh", "the Provincial Red Cross Society"),
    ("Hội Khuyến học tỉnh", "the Provincial Study Promotion Association"),
    ("Hội Người cao tuổi tỉnh", "the Provincial Association of the Elderly"),
    ("Hội Luật gia tỉnh", "the Provincial Lawyers' Association"),
    ("Hội Nhà báo tỉnh", "the Provincial Journalists' Association"),
    ("Hội Văn học nghệ thuật tỉnh", "the Provincial Literature and Arts Association"),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "the Provincial Union of Science and Technology Associations"),
    ("Hội Cựu thanh niên xung phong tỉnh", "the Provincial Association of Former Youth Volunteers"),
    ("Hội Người mù tỉnh", "the Provincial Association of the Blind"),
    ("Hội Đông y tỉnh", "the Provincial Association of Traditional Medicine"),
    ("Hội Nạn nhân chất độc da cam/dioxin tỉnh", "the Provincial Association of Agent Orange/Dioxin Victims"),
    ("Hội Bảo trợ người khuyết tật và trẻ mồ côi tỉnh", "the Provincial Association for Disabled People and Orphans"),
    ("Hội Sinh vật cảnh tỉnh", "the Provincial Ornamental Plants Association"),
    ("Hội Làm vườn tỉnh", "the Provincial Gardening Association"),
    ("Hội Kiến trúc sư tỉnh", "the Provincial Architects' Association"),
    ("Hội Y học tỉnh", "the Provincial Medical Association"),
    ("Hội Điều dưỡng tỉnh", "the Provincial Nursing Association"),
)

EVENTS = (
    ("Hội nghị triển khai", "Conference launching"),
    ("Hội nghị sơ kết", "Interim review conference on"),
    ("Hội nghị tổng kết", "Year-end review conference on"),
    ("Tập huấn nghiệp vụ", "Training course on"),
    ("Hội thảo", "Workshop on"),
    ("Đoàn kiểm tra", "Inspection visit on"),
    ("Lễ phát động", "Launch ceremony for"),
    ("Giao lưu", "Exchange on"),
    ("Trao tặng", "Awards for"),
)

TOPICS = (
    ("công tác thi đua khen thưởng", "emulation and commendation work"),
    ("phong trào thi đua yêu nước", "the patriotic emulation movement"),
    ("công tác nhân đạo, từ thiện", "humanitarian and charity work"),
    ("phong trào khuyến học, khuyến tài", "the study and talent promotion movement"),
    ("văn hóa công sở", "workplace culture"),
    ("chuyển đổi số trong hoạt động Hội", "digital transformation in the associations' work"),
    ("chăm sóc người cao tuổi", "care for older people"),
    ("hỗ trợ người nghèo", "support for the poor"),
    ("xây dựng nông thôn mới", "building the new countryside"),
    ("phòng chống dịch bệnh", "disease prevention"),
    ("phổ biến, giáo dục pháp luật", "legal education"),
)

PLACES = (
    ("thành phố Thái Nguyên", "Thái Nguyên city"),
    ("thành phố Sông Công", "Sông Công city"),
    ("thị xã Phổ Yên", "Phổ Yên town"),
    ("huyện Đại Từ", "Đại Từ district"),
    ("huyện Định Hóa", "Định Hóa district"),
    ("huyện Phú Lương", "Phú Lương district"),
    ("huyện Võ Nhai", "Võ Nhai district"),
    ("huyện Đồng Hỷ", "Đồng Hỷ district"),
    ("huyện Phú Bình", "Phú Bình district"),
)

# Sentences with {unit}, {place}, {year}, {count}, {topic} holes.
VI_SENTENCES = (
    "Tới dự có đại diện lãnh đạo Ban Thi đua khen thưởng tỉnh cùng các đồng chí phụ trách công tác thi đua của {count} đơn vị trong Khối.",
    "Trong năm {year}, {unit} đã chủ động phối hợp với các đơn vị thành viên triển khai nhiều hoạt động thiết thực tại {place}.",
    "Các đại biểu đã thảo luận sôi nổi, đóng góp nhiều ý kiến tâm huyết nhằm nâng cao chất lượng {topic}.",
    "Nhằm phát huy tinh thần chủ động, sáng tạo của các đơn vị thành viên, Khối đã thống nhất lựa chọn nội dung thi đua trọng tâm của năm.",
    "Phát biểu tại buổi làm việc, đại diện {unit} ghi nhận những kết quả nổi bật và chỉ ra một số hạn chế cần khắc phục.",
    "Hoạt động của các Hội trong Khối có chủ đề, mục tiêu phấn đấu rõ ràng, đảm bảo công khai, dân chủ.",
    "Nhiều mô hình hay, cách làm hiệu quả đã được nhân rộng, tạo sức lan tỏa mạnh mẽ trong cán bộ, hội viên.",
    "Bên cạnh những nhiệm vụ thường xuyên, các đơn vị tập trung thực hiện các nhiệm vụ đột xuất do tỉnh giao.",
    "Kết quả, {count} tập thể và cá nhân đã được đề nghị khen thưởng vì có thành tích xuất sắc trong {topic}.",
    "Mỗi đơn vị cần rà soát lại các phong trào thi đua, phát huy tinh thần đoàn kết, hỗ trợ lẫn nhau để phối hợp kịp thời, nhịp nhàng.",
    "Đoàn đã trao {count} suất quà cho các hộ gia đình có hoàn cảnh khó khăn tại {place}.",
    "Công tác tuyên truyền được đẩy mạnh trên trang thông tin điện tử và các nhóm Zalo của từng Hội.",
    "Theo báo cáo, tổng giá trị các hoạt động hỗ trợ trong năm {year} ước đạt {count} triệu đồng.",
    "Các đơn vị đã ký cam kết thực hiện tốt văn hóa công sở và nơi công cộng, nâng cao ý thức trách nhiệm của cán bộ, nhân viên.",
    "Hội nghị cũng đã nghe dự thảo quy chế thi đua và bảng tiêu chí chấm điểm thi đua của Khối năm {year}.",
    "Ban Biên tập ghi nhận ý kiến của các đại biểu về việc đơn giản hóa thủ tục, hồ sơ đề nghị khen thưởng.",
    "Đồng chí Trưởng khối đề nghị các đơn vị tiếp tục đổi mới nội dung, hình thức tổ chức phong trào thi đua.",
    "Qua kiểm tra tại {place}, đoàn đánh giá cao sự chuẩn bị chu đáo và tinh thần trách nhiệm của {unit}.",
    "Cán bộ, hội viên tích cực tham gia hiến máu tình nguyện, với {count} đơn vị máu được tiếp nhận.",
    "Chương trình khép lại trong không khí ấm áp, phấn khởi và quyết tâm thi đua hoàn thành xuất sắc nhiệm vụ năm {year}.",
)

EN_SENTENCES = (
    "Attending were leaders of the Provincial Emulation and Commendation Board and the officers in charge of emulation work from {count} units of the bloc.",
    "In {year}, {unit} worked with the member units to carry out many practical activities in {place}.",
    "The delegates held a lively discussion and made many thoughtful suggestions to improve the quality of {topic}.",
    "To encourage initiative and creativity among the member units, the bloc agreed on the main emulation themes of the year.",
    "Speaking at the meeting, a representative of {unit} acknowledged the outstanding results and pointed out some shortcomings to be addressed.",
    "The activities of the associations in the bloc had clear themes and goals, ensuring openness and democracy.",
    "Many good models and effective practices have been replicated, spreading widely among officers and members.",
    "Besides their regular tasks, the units focused on the unexpected tasks assigned by the province.",
    "As a result, {count} groups and individuals were proposed for commendation for their outstanding achievements in {topic}.",
    "Each unit needs to review its emulation movements and promote solidarity and mutual support so that coordination is timely and smooth.",
    "The delegation presented {count} gifts to families in difficult circumstances in {place}.",
    "Communication was stepped up on the website and on each association's Zalo groups.",
    "According to the report, the total value of support activities in {year} reached an estimated {count} million dong.",
    "The units pledged to practise a proper culture in the workplace and in public places and to raise the sense of responsibility of their staff.",
    "The conference also heard the draft emulation regulations and the bloc's scoring criteria table for {year}.",
    "The editorial board noted the delegates' views on simplifying the procedures and files for commendation proposals.",
    "The head of the bloc asked the units to keep renewing the content and form of the emulation movements.",
    "During the inspection in {place}, the delegation praised the careful preparation and sense of responsibility of {unit}.",
    "Officers and members took an active part in voluntary blood donation, with {count} units of blood collected.",
    "The programme closed in a warm and enthusiastic atmosphere, with the determination to excellently fulfil the tasks of {year}.",
)

VI_HEADINGS = (
    "Kết quả nổi bật",
    "Những tồn tại, hạn chế",
    "Phương hướng, nhiệm vụ năm tới",
    "Các hoạt động chính",
    "Ý kiến của đại biểu",
    "Công tác phối hợp",
    "Khen thưởng",
)
EN_HEADINGS = (
    "Main results",
    "Shortcomings and limitations",
    "Directions and tasks for next year",
    "Main activities",
    "Delegates' views",
    "Coordination",
    "Commendation",
)
VI_ITEMS = (
    "tổ chức {count} lớp tập huấn cho cán bộ, hội viên",
    "phát triển thêm {count} hội viên mới",
    "vận động ủng hộ quỹ vì người nghèo",
    "đẩy mạnh ứng dụng công nghệ thông tin trong công tác Hội",
    "kịp thời biểu dương, khen thưởng các điển hình tiên tiến",
    "thực hiện nghiêm chế độ thông tin, báo cáo",
    "phối hợp tổ chức các hoạt động tại {place}",
    "nâng cao chất lượng {topic}",
)
EN_ITEMS = (
    "holding {count} training classes for officers and members",
    "recruiting {count} new members",
    "raising donations for the fund for the poor",
    "stepping up the use of information technology in the associations' work",
    "promptly praising and commending exemplary models",
    "strictly following the rules on information and reporting",
    "jointly organising activities in {place}",
    "improving the quality of {topic}",
)
VI_RANKS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ")
EN_RANKS = ("Excellently fulfilled the tasks", "Fulfilled the tasks well", "Fulfilled the tasks")


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

    target = rng.randint(3000, 3350)
    heads = rng.sample(headings, 2)
    blocks = [paragraph(), paragraph(), f"## {heads[0]}", paragraph()]
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
    blocks += [f"## {heads[1]}", paragraph()]
    while len("\n\n".join(blocks).encode("utf-8")) < target:
        blocks.append(paragraph())
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
