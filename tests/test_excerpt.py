"""A body's excerpt: the start of its text, cut at a word, read from the start of its HTML only."""

from __future__ import annotations

import html
import re

import frontmatter
import markdown

from benchmarks import corpus
from sitegen.markup import EXTENSIONS, excerpt


def _from_the_whole_body(body_html: str, limit: int = 160) -> str:
    # The plain reading: every tag of the whole body removed, then cut.
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body_html))).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def test_a_short_body_is_its_whole_text():
    assert excerpt("<p>Hội nghị <em>thi đua</em> &amp; khen thưởng.</p>") == "Hội nghị thi đua & khen thưởng."


def test_a_long_body_is_cut_at_a_word_with_an_ellipsis():
    text = excerpt("<p>" + "Đồng chí Chủ tịch phát biểu, " * 20 + "</p>")
    assert text.endswith("…") and len(text) <= 161 and not text[:-1].endswith((" ", ","))


def test_the_excerpt_is_the_same_as_read_from_the_whole_body():
    md = markdown.Markdown(extensions=list(EXTENSIONS))
    bodies = [
        md.reset().convert(frontmatter.loads(text).content)
        for post in map(corpus.make_post, range(30))
        for text in (post.vi, post.en)
    ]
    srcset = ", ".join(f"/images/anh-{n}.jpg {n}w" for n in range(400, 4000, 10))
    figure = f'<figure><img alt="Đại biểu" srcset="{srcset}" src="/a.jpg"><figcaption>Chú thích</figcaption></figure>'
    words = "<p>" + " ".join(f"từ&nbsp;{n} &amp; <b>đậm</b>" for n in range(60)) + "</p>"
    bodies += [figure * 3 + words, figure + "<p>Ngắn.</p>", "<p>" + "x" * 5000 + " y</p>", words * 40, figure * 10]
    assert all(len(body) > 4096 for body in bodies[-5:])
    for body in bodies:
        assert excerpt(body) == _from_the_whole_body(body)
