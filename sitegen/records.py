"""Stage 3b: the bloc's records as model Pages (results, pledges, members, units) and download files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

import markdown
from babel.dates import format_date
from markupsafe import Markup

from sitegen.charts import bar_chart, year_chart
from sitegen.config import Config
from sitegen.content import Document
from sitegen.downloads import results_csv, results_json
from sitegen.markup import HeadingIds
from sitegen.model import Entry, Page
from sitegen.pledges import Pledge
from sitegen.recordload import Records
from sitegen.resultdata import Award, YearResults
from sitegen.units import Unit, membership_text
from sitegen.urls import Urls
from sitegen.vietnamese import collation_key


class RecordUrls:
    """Paths of the record pages in each language: /ket-qua/2021/ and /en/results/2021/."""

    def __init__(self, config: Config):
        self.config = config

    def section(self, lang: str, name: str) -> str:
        """The first page of a section: 'ket-qua/', 'en/members/'."""
        language = self.config.language(lang)
        return language.prefix + language.sections[name] + "/"

    def results(self, lang: str, year: int | None = None) -> str:
        return self.section(lang, "results") + (f"{year}/" if year else "")

    def download(self, lang: str, year: int, ext: str) -> str:
        """results/2021/results-2021.csv: the file name says what it is once downloaded."""
        name = self.config.language(lang).sections["results"]
        return f"{self.results(lang, year)}{name}-{year}.{ext}"

    def pledge(self, lang: str, year: int | None = None) -> str:
        return self.section(lang, "pledges") + (f"{year}/" if year else "")

    def unit(self, lang: str, unit_id: str | None = None) -> str:
        return self.section(lang, "members") + (f"{unit_id}/" if unit_id else "")


def record_pages(config: Config, records: Records, documents: Sequence[Document]) -> list[Page]:
    """Every record page in every language; `documents` are the published posts (for unit pages)."""
    if not records.units.by_id and not records.years and not records.pledges:
        return []
    urls = RecordUrls(config)
    news = _news_by_unit(documents)
    pages: list[Page] = []
    for lang in config.language_codes:
        view = _View(config, records, urls, lang)
        pages += [view.results_index(), view.pledges_index(), view.members()]
        pages += [view.results_year(y) for y in records.published_years]
        pages += [view.pledge(p) for p in records.pledges if lang in p.texts]
        pages += [view.unit_page(u, news.get(u.id, ())) for u in records.units.by_id.values()]
    return pages


def record_files(config: Config, records: Records) -> dict[str, bytes]:
    """CSV and JSON of every published year in every language, by output path."""
    urls = RecordUrls(config)
    files = {}
    for lang in config.language_codes:
        language = config.language(lang)
        for year in records.published_years:
            ranking = records.rankings[year.year]
            files[urls.download(lang, year.year, "csv")] = results_csv(
                year, ranking, records.units, lang, language.locale, language.strings
            )
            files[urls.download(lang, year.year, "json")] = results_json(
                year, ranking, records.units, lang, language.strings
            )
    return files


class _View:
    """The record pages of one language."""

    def __init__(self, config: Config, records: Records, urls: RecordUrls, lang: str):
        self.config, self.records, self.urls, self.lang = config, records, urls, lang
        self.language = config.language(lang)
        self.t = self.language.strings
        self.units = records.units.by_id
        self.names = {uid: u.name[lang] for uid, u in self.units.items()}
        self.links = {uid: urls.unit(lang, uid) for uid in self.units}

    def _page(self, key: tuple, path: str, template: str, title: str, description: str, origin, **data: Any) -> Page:
        common = {"unit_names": self.names, "unit_links": self.links}
        return Page(
            key, self.lang, path, template, title, description, MappingProxyType({**common, **data}), origin=origin
        )

    def results_year(self, results: YearResults) -> Page:
        ranking = self.records.rankings[results.year]
        title = self.t["results_year_title"].format(year=results.year)
        chart = bar_chart(
            [(self._short(row.unit), row.total) for row in ranking.rows],
            results.max_points,
            self.language.locale,
            f"chart-{results.year}",
            self.t["results_chart_title"].format(year=results.year),
            self.t["results_chart_desc"],
        )
        return self._page(
            ("results", results.year),
            self.urls.results(self.lang, results.year),
            "results.html",
            title,
            self.t["results_year_description"].format(year=results.year),
            (results.file, None),
            results=results,
            ranking=ranking,
            has_votes=any(row.votes is not None for row in ranking.rows),
            chart=chart,
            grade_names={g.id: g.name[self.lang] for g in results.grades},
            award_texts={row.unit: [self._award_text(results, a) for a in row.awards] for row in ranking.rows},
            tie_break_names=self._tie_break_names(results),
            downloads={ext: self.urls.download(self.lang, results.year, ext) for ext in ("csv", "json")},
        )

    def _award_text(self, results: YearResults, award: Award) -> str:
        """'Bằng khen (đã được tặng) – Quyết định số 12/QĐ-UBND ngày 15/01/2024 của UBND tỉnh'."""
        text = (
            f"{results.award_kinds.get(award.kind, {}).get(self.lang, award.kind)} ({self.t['award_' + award.status]})"
        )
        if award.decision is None:
            return text
        decision = self.t["award_decision"].format(
            number=award.decision.number,
            date=self._day(award.decision.date),
            issuer=award.decision.issuer.get(self.lang, ""),
        )
        return f"{text} – {decision}"

    def _short(self, unit_id: str) -> str:
        return self.units[unit_id].short_name[self.lang] if unit_id in self.units else unit_id

    def _tie_break_names(self, results: YearResults) -> Mapping[str, str]:
        names = {}
        for step in results.tie_break:
            kind, _, group = step.partition(":")
            if kind == "group":
                name = next(g.name[self.lang] for g in results.groups if g.id == group)
                names[step] = self.t["tie_break_group"].format(group=name)
            else:
                names[step] = self.t[f"tie_break_{kind}"]
        return names

    def results_index(self) -> Page:
        years = []
        for results in reversed(self.records.published_years):
            ranking = self.records.rankings[results.year]
            years.append(
                {
                    "results": results,
                    "path": self.urls.results(self.lang, results.year),
                    "leaders": [row for row in ranking.rows if row.rank == 1],
                    "awards": [(row, self._award_text(results, a)) for row in ranking.rows for a in row.awards],
                }
            )
        title = self.t["results_title"]
        return self._page(
            ("results",),
            self.urls.results(self.lang),
            "results_index.html",
            title,
            self.t["results_description"],
            ("content/results", None),
            years=years,
        )

    def pledges_index(self) -> Page:
        items = [
            (p, self.urls.pledge(self.lang, p.year), p.texts[self.lang], self._day(p.signed))
            for p in reversed(self.records.pledges)
            if self.lang in p.texts
        ]
        title = self.t["pledges_title"]
        return self._page(
            ("pledges",),
            self.urls.pledge(self.lang),
            "pledges.html",
            title,
            self.t["pledges_description"],
            ("content/pledges", None),
            pledges=items,
        )

    def pledge(self, pledge: Pledge) -> Page:
        text = pledge.texts[self.lang]
        converted = markdown.markdown(text.body, extensions=["extra", "sane_lists", HeadingIds()], output_format="html")
        body = Markup(converted)  # noqa: S704 - our own Markdown output
        return self._page(
            ("pledge", pledge.year),
            self.urls.pledge(self.lang, pledge.year),
            "pledge.html",
            text.title,
            text.theme or text.title,
            (text.file, pledge.lines.get("year")),
            pledge=pledge,
            text=text,
            body_html=body,
            signed_text=self._day(pledge.signed),
        )

    def _day(self, day: date | None) -> str:
        return "" if day is None else format_date(day, self.language.date_format, locale=self.language.locale)

    def members(self) -> Page:
        ordered = sorted(self.units.values(), key=lambda u: collation_key(u.sort_name))
        rows = [
            {
                "unit": u,
                "path": self.links[u.id],
                "years": membership_text(u),
                "current": any(p.end is None for p in u.periods),
            }
            for u in ordered
        ]
        illustrative = self.records.units.illustrative or any(u.illustrative for u in ordered)
        return self._page(
            ("members",),
            self.urls.unit(self.lang),
            "members.html",
            self.t["members_title"],
            self.t["members_description"],
            ("content/units.yaml", None),
            members=rows,
            illustrative=illustrative,
        )

    def unit_page(self, unit: Unit, news: Sequence[Document]) -> Page:
        """The unit's page; `news` are the published posts that name it."""
        history = []
        for results in self.records.published_years:
            row = self.records.rankings[results.year].row(unit.id)
            if row:
                history.append(self._history(results, row))
        chart = year_chart(
            [(item["year"], item["row"].total) for item in history],
            max((y.max_points for y in self.records.published_years), default=0),
            self.language.locale,
            f"unit-{unit.id}",
            self.t["unit_chart_title"].format(unit=unit.name[self.lang]),
            self.t["unit_chart_desc"],
        )
        pledges = [
            {
                "year": p.year,
                "path": self.urls.pledge(self.lang, p.year) if self.lang in p.texts else None,
                "signer": s.signer.get(self.lang, ""),
            }
            for p in self.records.pledges
            for s in p.signatories
            if s.unit == unit.id
        ]
        return self._page(
            ("unit", unit.id),
            self.urls.unit(self.lang, unit.id),
            "unit.html",
            unit.name[self.lang],
            self.t["unit_description"].format(unit=unit.name[self.lang]),
            ("content/units.yaml", unit.line),
            unit=unit,
            years=membership_text(unit),
            history=history,
            chart=chart if history else None,
            pledges=pledges,
            entries=tuple(_unit_entries(self.config, news, self.lang)),
        )

    def _history(self, results: YearResults, row: Any) -> dict[str, Any]:
        return {
            "year": results.year,
            "path": self.urls.results(self.lang, results.year),
            "results": results,
            "row": row,
            "grade": next((g.name[self.lang] for g in results.grades if g.id == row.grade), ""),
            "awards": [self._award_text(results, a) for a in row.awards],
        }


def _news_by_unit(documents: Sequence[Document]) -> dict[str, list[Document]]:
    """The news posts naming each unit in `units:`, in the documents' order (one pass, not one per unit)."""
    by_unit: dict[str, list[Document]] = {}
    for d in documents:
        if d.kind == "news":
            for unit_id in dict.fromkeys(d.units):
                by_unit.setdefault(unit_id, []).append(d)
    return by_unit


def _unit_entries(config: Config, news: Sequence[Document], lang: str) -> list[Entry]:
    """Published news that name the unit, in this language or else the default one, newest first."""
    urls = Urls(config)
    own = {d.stem for d in news if d.lang == lang}
    chosen = [d for d in news if d.lang == lang or (d.lang == config.default_language and d.stem not in own)]
    chosen.sort(key=lambda d: (d.date.timestamp() if d.date else 0, d.stem), reverse=True)
    return [Entry(d, urls.document(d.kind, d.lang, d.slug), d.lang != lang) for d in chosen]
