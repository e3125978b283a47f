"""Stage 2b: the bloc's records (units, pledges, results) loaded, cross-checked and scored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from sitegen.config import Config
from sitegen.content import Document
from sitegen.errors import SiteError
from sitegen.pledges import Pledge, load_pledges
from sitegen.results import YearResults, load_results
from sitegen.scoring import Ranking, rank_years
from sitegen.units import NO_UNITS, Units, load_units, unknown_unit


@dataclass(frozen=True)
class Records:
    """Units, pledges and results of every year, with each year's computed ranking."""

    units: Units
    pledges: tuple[Pledge, ...]
    years: tuple[YearResults, ...]
    rankings: Mapping[int, Ranking]

    @property
    def published_years(self) -> tuple[YearResults, ...]:
        """Years whose status is provisional or final, oldest first (drafts are not published)."""
        return tuple(y for y in self.years if y.status != "draft")


NO_RECORDS = Records(NO_UNITS, (), (), MappingProxyType({}))


def load_records(config: Config, documents: Sequence[Document]) -> tuple[Records, list[SiteError]]:
    """Read every record file and check each unit id they and the posts' `units:` mention."""
    languages = config.language_codes
    units, errors = load_units(config.root, languages)
    pledges, pledge_errors = load_pledges(config.root, languages)
    years, result_errors = load_results(config.root, languages, units)
    errors += pledge_errors + result_errors
    for pledge in pledges:
        errors += _check_pledge(pledge, units)
    for doc in documents:
        errors += _check_post(doc, units)
    return Records(units, pledges, years, rank_years(years)), errors


def _check_pledge(pledge: Pledge, units: Units) -> list[SiteError]:
    errors = []
    for role in ("head", "deputy"):
        unit = getattr(pledge, role)
        if unit and unit not in units:
            errors.append(unknown_unit(unit, units.by_id, pledge.file, pledge.lines.get(role), f"'{role}'"))
    for signatory in pledge.signatories:
        if signatory.unit not in units:
            errors.append(unknown_unit(signatory.unit, units.by_id, pledge.file, signatory.line, "the signatories"))
        elif not units.by_id[signatory.unit].member_in(pledge.year):
            errors.append(
                SiteError(
                    pledge.file,
                    f"unit '{signatory.unit}' signs the {pledge.year} pledge but was not a member that year",
                    signatory.line,
                    "check its 'member' years in content/units.yaml",
                )
            )
    return errors


def _check_post(doc: Document, units: Units) -> list[SiteError]:
    # A translation that inherits `units:` is checked once, in the file that sets it.
    if "units" not in doc.lines:
        return []
    line = doc.lines["units"]
    return [unknown_unit(unit, units.by_id, doc.file, line, "'units:'") for unit in doc.units if unit not in units]
