"""A body is converted with only the extensions whose mark it holds, and comes out as with all of them."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import markdown
from test_quickinline import PROJECT, TRICKY

from benchmarks import corpus
from sitegen.markup import EXTENSIONS, Converter, Links, extensions_for
from sitegen.quickinline import QuickInlineProcessor


def _same_html_with_fewer_extensions(texts: list[str]) -> None:
    every = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    for text in texts:
        fewer = markdown.Markdown(extensions=list(extensions_for(text)), output_format="html")
        assert fewer.convert(text) == every.reset().convert(text), (extensions_for(text), text)


def test_tricky_markdown_and_every_pair_come_out_as_with_every_extension():
    _same_html_with_fewer_extensions(TRICKY + [first + "\n" + second for first in TRICKY for second in TRICKY[::3]])


def test_the_benchmark_corpus_and_the_sites_content_come_out_as_with_every_extension():
    posts = [corpus.make_post(index) for index in range(40)]
    texts = [frontmatter.loads(text).content for post in posts for text in (post.vi, post.en)]
    texts += [frontmatter.load(path).content for path in sorted((PROJECT / "content").rglob("*.md"))]
    assert any("tables" not in extensions_for(text) for text in texts)
    assert any("tables" in extensions_for(text) for text in texts)
    _same_html_with_fewer_extensions(texts)


def test_each_extension_is_kept_for_a_body_that_holds_its_mark():
    assert extensions_for("| a | b |\n|---|---|\n| 1 | 2 |") == ("tables", "sane_lists")
    assert extensions_for("Chú thích[^1].\n\n[^1]: Nội dung.") == ("footnotes", "sane_lists")
    assert extensions_for("Đoạn văn {: .ghi-chu }") == ("attr_list", "sane_lists")
    assert extensions_for("Chữ thường.") == ("sane_lists",)
    # Without its extension the mark would stay as text: the choice is what makes these work.
    assert "<table>" in markdown.markdown("| a | b |\n|---|---|\n| 1 | 2 |", extensions=["tables"])
    assert "<table>" not in markdown.markdown("| a | b |\n|---|---|\n| 1 | 2 |")


def test_the_converter_uses_a_quick_instance_without_the_extensions_a_plain_body_does_not_need(tmp_path: Path):
    from sitegen.content import Document
    from sitegen.packedbody import PackedBody

    converter = Converter(Links(None, tmp_path, {}))
    fields = {name: None for name in Document.__dataclass_fields__}
    plain = Document(
        **fields | {"packed_body": PackedBody.of("Chữ *thường*."), "file": "content/news/a.vi.md", "body_line": 1}
    )
    table = Document(
        **fields
        | {
            "packed_body": PackedBody.of("| a | b |\n|---|---|\n| 1 | 2 |"),
            "file": "content/news/b.vi.md",
            "body_line": 1,
        }
    )
    html = [converter.convert(doc)[0].html for doc in (plain, table)]
    assert html == ["<p>Chữ <em>thường</em>.</p>", markdown.markdown(table.body, extensions=list(EXTENSIONS))]
    assert set(converter._instances) == {EXTENSIONS, ("sane_lists",), ("tables", "sane_lists")}
    for md, _ in converter._instances.values():
        assert isinstance(md.treeprocessors["inline"], QuickInlineProcessor)
