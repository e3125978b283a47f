"""The URL scheme: every page's path, relative to the base URL, in each language."""

from __future__ import annotations

from sitegen.config import Config
from sitegen.vietnamese import slugify


class Urls:
    """Paths without a leading slash ('tin-tuc/slug/'); href() and absolute() add the base."""

    def __init__(self, config: Config):
        self.config = config

    def _section(self, lang: str, name: str) -> str:
        language = self.config.language(lang)
        return language.prefix + language.sections[name] + "/"

    def home(self, lang: str) -> str:
        return self.config.language(lang).prefix

    def _numbered(self, lang: str, base: str, number: int) -> str:
        """Page `number` of a list whose first page is at `base`."""
        return base if number == 1 else f"{base}{self.config.language(lang).sections['page']}/{number}/"

    def news_list(self, lang: str, number: int = 1) -> str:
        return self._numbered(lang, self._section(lang, "news"), number)

    def document(self, kind: str, lang: str, slug: str) -> str:
        if kind == "news":
            return f"{self._section(lang, 'news')}{slug}/"
        return f"{self.config.language(lang).prefix}{slug}/"

    def tag_index(self, lang: str) -> str:
        return self._section(lang, "tags")

    def tag(self, lang: str, name: str, number: int = 1) -> str:
        return self._numbered(lang, f"{self._section(lang, 'tags')}{slugify(name)}/", number)

    def archive(self, lang: str, year: int | None = None, number: int = 1) -> str:
        base = self._section(lang, "archive")
        return base if year is None else self._numbered(lang, f"{base}{year}/", number)

    def feed(self, lang: str) -> str:
        return self.config.language(lang).prefix + "feed.xml"

    def not_found(self, lang: str) -> str:
        return self.config.language(lang).prefix + "404.html"

    def search(self, lang: str) -> str:
        return self._section(lang, "search")

    def href(self, path: str) -> str:
        """A link that works under the site's base path."""
        return self.config.base_path + path

    def absolute(self, path: str) -> str:
        """A full address, for canonical links, feeds and sharing."""
        return self.config.base_url + path


def output_file(path: str) -> str:
    """The file a page path is written to: directories get index.html."""
    return path + "index.html" if path == "" or path.endswith("/") else path
