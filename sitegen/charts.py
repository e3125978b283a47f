"""Bar charts drawn as SVG at build time: no JavaScript, readable without colour, with a text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from babel.numbers import format_decimal
from markupsafe import Markup

_LABEL_WIDTH = 150
_BAR_AREA = 250
_ROW = 22
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def format_points(value: Decimal | int, locale: str) -> str:
    """Points as readers of a language write them: 95,5 in Vietnamese, 95.5 in English."""
    return format_decimal(value, format="#,##0.##", locale=locale)


def _frame(width: int, height: int, ident: str, title: str, desc: str, body: Sequence[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text inside is escaped above


def bar_chart(
    bars: Sequence[tuple[str, Decimal]], scale: Decimal, locale: str, ident: str, title: str, desc: str
) -> Markup:
    """Horizontal bars, one row per label, each with its value written at the end of the bar."""
    scale = max(scale, *(value for _, value in bars), Decimal(1)) if bars else max(scale, Decimal(1))
    width = _LABEL_WIDTH + _BAR_AREA + 50
    body = []
    for index, (label, value) in enumerate(bars):
        y = index * _ROW + 4
        length = float(max(value, Decimal(0)) / scale) * _BAR_AREA
        shown = label if len(label) <= 24 else label[:23] + "…"
        body.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" {_FONT}>{escape(shown)}</text>'
            f'<rect class="bar" x="{_LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{_ROW - 6}" fill="#1f5f8b"/>'
            f'<text x="{_LABEL_WIDTH + length + 4:.1f}" y="{y + 13}" {_FONT}>{escape(format_points(value, locale))}</text>'
        )
    return _frame(width, len(bars) * _ROW + 8, ident, title, desc, body)


def year_chart(
    points: Sequence[tuple[int, Decimal]], scale: Decimal, locale: str, ident: str, title: str, desc: str
) -> Markup:
    """Small vertical bars, one per year, for a unit's totals over the years."""
    scale = max(scale, *(value for _, value in points), Decimal(1)) if points else max(scale, Decimal(1))
    height, column = 120, 56
    body = []
    for index, (year, value) in enumerate(points):
        x = index * column + 8
        length = float(max(value, Decimal(0)) / scale) * (height - 40)
        top = height - 20 - length
        body.append(
            f'<rect class="bar" x="{x}" y="{top:.1f}" width="{column - 16}" height="{length:.1f}" fill="#1f5f8b"/>'
            f'<text x="{x + (column - 16) / 2}" y="{top - 4:.1f}" text-anchor="middle" {_FONT}>'
            f"{escape(format_points(value, locale))}</text>"
            f'<text x="{x + (column - 16) / 2}" y="{height - 5}" text-anchor="middle" {_FONT}>{year}</text>'
        )
    return _frame(max(len(points), 1) * column + 16, height, ident, title, desc, body)
