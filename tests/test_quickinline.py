"""The quick inline stage gives Python-Markdown's own output, byte for byte, and the build uses it."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import markdown

from benchmarks import corpus
from sitegen import quickinline
from sitegen.markup import EXTENSIONS, Converter, Links
from sitegen.quickinline import QuickInlineProcessor

PROJECT = Path(__file__).resolve().parents[1]

# Each inline pattern, alone, next to text that lacks its trigger, nested, escaped and broken.
TRICKY = [
    "Chữ thường, không có gì đặc biệt.",
    "Mã `print(1)` và ``hai `dấu` huyền`` và \\`không phải mã\\`.",
    "Dấu gạch \\\\ và \\* sao \\_ gạch dưới \\[ ngoặc.",
    'Một [liên kết](https://example.org "tiêu đề") và [tham chiếu][r] và [r].\n\n[r]: https://example.org/r',
    'Ảnh ![Đại biểu](images/a.jpg "Chú thích") và ![tham chiếu][i] và ![i].\n\n[i]: images/b.jpg',
    "Hai liên kết: <https://example.org/a?b=c&d=e> và thư <ban.bien.tap@example.org>.",
    "Xuống dòng cứng  \nở đây, và không xuống dòng ở đây\nmà thôi.",
    'HTML <span class="x">nội dung</span>, <br/> và <!-- ghi chú -->.',
    "Ký tự &amp; &copy; &#273; &#x111; và & một mình và &không;.",
    "*Nghiêng*, **đậm**, ***cả hai***, _gạch_, __đậm gạch__, * không *, a*b*c, snake_case_name.",
    "Chỉ gạch dưới: _nghiêng_ và __đậm__ và ___cả hai___ và snake_case.",
    "**Đậm có *nghiêng* bên trong** và *nghiêng có `mã` và [liên kết](x.md)*.",
    "Chú thích[^1] và [^thiếu].\n\n[^1]: Nội dung *chú thích* với [liên kết](https://example.org).",
    "| Đơn vị | Điểm |\n|---|---|\n| Hội *Chữ thập đỏ* | 98,5 |\n| `Hội` [Nông dân](https://x.org) | 97 |",
    "- mục *một*\n- mục **hai** với <https://example.org>\n\n1. số `một`\n2. số & hai",
    "# Tiêu đề có *nhấn* {: #neo .lop }\n\nĐoạn văn {: .ghi-chu }",
    "> Trích dẫn với **đậm** và [liên kết](https://example.org)\n> và dòng hai  \n> sau xuống dòng.",
    "[liên kết *nghiêng* `mã` ![ảnh](a.png)](https://example.org) và [không đóng(",
    "`mã có [ngoặc](x) và *sao*` rồi [thật](y) và ` không đóng",
    "<https://example.org/*không*nghiêng*> và *<b>thẻ</b>* và <không là thẻ",
    "***\n\nsau đường kẻ ___ và ** không đóng và __ không đóng_",
]


def _plain() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def _quick() -> markdown.Markdown:
    md = _plain()
    assert quickinline.install(md)
    return md


def _same_html(texts: list[str]) -> None:
    plain, quick = _plain(), _quick()
    for text in texts:
        assert quick.reset().convert(text) == plain.reset().convert(text), text


def test_tricky_markdown_comes_out_as_python_markdown_writes_it():
    _same_html(TRICKY)


def test_every_pattern_and_pair_of_samples_comes_out_as_python_markdown_writes_it():
    _same_html([first + "\n" + second for first in TRICKY for second in TRICKY[::3]])


def test_the_benchmark_corpus_comes_out_as_python_markdown_writes_it():
    posts = [corpus.make_post(index) for index in range(40)]
    _same_html([frontmatter.loads(text).content for post in posts for text in (post.vi, post.en)])


def test_the_sites_own_content_comes_out_as_python_markdown_writes_it():
    files = sorted((PROJECT / "content").rglob("*.md"))
    assert files, "the project's content/ has Markdown files"
    _same_html([frontmatter.load(path).content for path in files])


def test_every_inline_pattern_of_the_build_has_a_trigger():
    # A pattern without one is always tried: still correct, but slow; a new extension's belong in TRIGGERS.
    patterns = _plain().inlinePatterns
    listed = [patterns[name] for name in quickinline.TRIGGERS if name in patterns]
    assert len(listed) >= 15
    assert [pattern for pattern in patterns if not any(pattern is known for known in listed)] == []


def test_each_trigger_is_one_mark_or_either_of_two():
    # The processor tests a pattern's first and last mark only: a third would never be looked for.
    assert all(1 <= len(marks) <= 2 for marks in quickinline.TRIGGERS.values())


def test_the_build_converts_markdown_with_the_quick_processor(tmp_path: Path):
    converter = Converter(Links(None, tmp_path, {}))
    assert isinstance(converter.md.treeprocessors["inline"], QuickInlineProcessor)


def test_a_python_markdown_without_the_private_methods_keeps_its_own_processor(monkeypatch):
    monkeypatch.setattr(quickinline, "_PRIVATE", ("_InlineProcessor__noSuchMethod",))
    md = _plain()
    assert not quickinline.install(md)
    assert type(md.treeprocessors["inline"]) is not QuickInlineProcessor
    assert md.convert(TRICKY[10]) == _plain().convert(TRICKY[10])
