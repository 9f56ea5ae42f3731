"""Fee rules as data (the setting "fee_rules"), the form's parsing of them, and the year's fee list.

The arithmetic is in `coaction.members.fees`; this module stores and reads the rules, turns the coordinator's
text into rules with messages a person can act on, and gathers every member's figures in one query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from coaction.audit.services import record
from coaction.core.settings import get_setting, set_setting
from coaction.extensions import db
from coaction.members.fees import (
    Band,
    EmployeeBands,
    FeeLine,
    FeeRow,
    FeeTotals,
    PerInhabitant,
    Rule,
    fee_totals,
    yearly_fees,
)
from coaction.members.models import PUBLIC_STATUSES, MembershipStatus, Organisation, Sector
from coaction.regions.models import Municipality, MunicipalityFigure

SETTING = "fee_rules"
PER_INHABITANT = "per_inhabitant"
BANDS = "bands"

# The seed annual report's rule for municipalities; the bands are examples until the coordinator sets them.
DEFAULT_SEK_PER_INHABITANT = Decimal(4)
DEFAULT_BANDS = EmployeeBands(
    (
        Band(1, 49, Decimal(5000)),
        Band(50, 249, Decimal(15000)),
        Band(250, 999, Decimal(30000)),
        Band(1000, None, Decimal(50000)),
    )
)


class RuleError(ValueError):
    """The coordinator's text is not a usable rule; str(error) is a translated message for the form."""


# ---- rules as data ---------------------------------------------------------------------------------------------


def default_rules() -> dict[Sector, Rule]:
    return {
        sector: PerInhabitant(DEFAULT_SEK_PER_INHABITANT) if sector == Sector.MUNICIPALITY else DEFAULT_BANDS
        for sector in Sector
    }


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


def rule_to_data(rule: Rule) -> dict:
    if isinstance(rule, PerInhabitant):
        return {"type": PER_INHABITANT, "sek": _amount(rule.sek_per_inhabitant)}
    return {
        "type": BANDS,
        "bands": [[band.min_employees, band.max_employees, _amount(band.sek)] for band in rule.bands],
    }


def rule_from_data(data: object) -> Rule:
    """A rule from its stored form; ValueError (or TypeError) when the data is not a rule."""
    if not isinstance(data, dict):
        raise ValueError("a rule is an object")
    if data.get("type") == PER_INHABITANT:
        return PerInhabitant(Decimal(str(data["sek"])))
    if data.get("type") == BANDS:
        bands = []
        for item in data["bands"]:
            low, high, sek = item
            if not isinstance(low, int) or not (high is None or isinstance(high, int)) or isinstance(sek, float):
                raise ValueError(f"not a band: {item!r}")
            bands.append(Band(low, high, Decimal(str(sek))))
        return EmployeeBands(tuple(bands))
    raise ValueError(f"unknown rule type {data.get('type')!r}")


def rules_to_json(rules: Mapping[Sector, Rule]) -> str:
    return json.dumps({sector.value: rule_to_data(rules[sector]) for sector in Sector if sector in rules})


def rules_from_json(text: str) -> dict[Sector, Rule]:
    """The stored rules over the defaults. A sector whose stored rule cannot be read has no rule, so that its
    members' fees show as unknown rather than silently falling back to a default; the log says why."""
    rules = default_rules()
    if not text:
        return rules
    try:
        stored = json.loads(text)
    except ValueError:
        current_app.logger.error("The stored fee rules are not JSON; no fee can be computed")
        return {}
    if not isinstance(stored, dict):
        current_app.logger.error("The stored fee rules are not a JSON object; no fee can be computed")
        return {}
    for sector in Sector:
        if sector.value not in stored:
            continue
        try:
            rules[sector] = rule_from_data(stored[sector.value])
        except (ValueError, TypeError, KeyError, InvalidOperation) as error:
            current_app.logger.error("The stored fee rule for %s cannot be read: %s", sector.value, error)
            del rules[sector]
    return rules


def rules_are_stored() -> bool:
    return bool(get_setting(SETTING))


def load_rules() -> dict[Sector, Rule]:
    return rules_from_json(get_setting(SETTING))


def save_rules(rules: Mapping[Sector, Rule], *, actor, ip: str | None = None) -> bool:
    """Store the rules; the audit log gets each sector's rule before and after. False when nothing changed."""
    before = {sector.value: rule_to_data(rule) for sector, rule in load_rules().items()}
    after = json.loads(rules_to_json(rules))
    changed = {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}
    if not changed and rules_are_stored():
        return False
    set_setting(SETTING, rules_to_json(rules))
    record(actor, "fees.rules_changed", None, changed, ip)
    return True


# ---- the coordinator's text ------------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_RANGE = re.compile(r"^(\d+)\s*(?:[-–—]\s*(\d+)|\+)$")
_CURRENCY = re.compile(r"(?:kr|kronor|sek|:-)\.?$", re.IGNORECASE)
MAX_SEK = Decimal(100_000_000)


def parse_sek_per_inhabitant(text: str) -> PerInhabitant:
    """ "4", "4,50" or "4.50" kronor per inhabitant."""
    compact = _CURRENCY.sub("", _SPACES.sub("", text or ""))
    if not re.fullmatch(r"\d{1,6}(?:[.,]\d{1,2})?", compact):
        raise RuleError(_("Give the kronor per inhabitant as a number, as in 4 or 4,50."))
    return PerInhabitant(Decimal(compact.replace(",", ".")))


def _band_amount(text: str, line: int) -> Decimal:
    compact = _CURRENCY.sub("", _SPACES.sub("", text))
    if not compact.isascii() or not compact.isdigit() or Decimal(compact) > MAX_SEK:
        raise RuleError(_("Line %(line)s: give the fee in whole kronor, as in 15000 or 15 000.", line=line))
    return Decimal(compact)


def parse_bands(text: str) -> EmployeeBands:
    """One band per line, "from–to: fee" or "from+: fee" for the last; checked by the fees module."""
    bands = []
    for line, content in enumerate((text or "").splitlines(), start=1):
        if not content.strip():
            continue
        employees, colon, amount = content.partition(":")
        match = _RANGE.match(employees.strip())
        if not colon or match is None:
            raise RuleError(
                _(
                    "Line %(line)s: write “from–to: fee”, as in 50–249: 15000, or “from+: fee” for the last band.",
                    line=line,
                )
            )
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else None
        if high is not None and high < low:
            raise RuleError(_("Line %(line)s: the band ends before it starts.", line=line))
        bands.append(Band(low, high, _band_amount(amount, line)))
    if not bands:
        raise RuleError(_("Give at least one band."))
    try:
        return EmployeeBands(tuple(bands))
    except ValueError as error:
        raise RuleError(explain_bands(bands) or str(error)) from error


def explain_bands(bands: Sequence[Band]) -> str | None:
    """The first reason, in words a person can act on, why EmployeeBands refuses these bands."""
    ordered = sorted(bands, key=lambda band: band.min_employees)
    if ordered[0].min_employees not in (0, 1):
        return _("The first band must start at 0 or 1 employees.")
    for band, following in zip(ordered, ordered[1:], strict=False):
        if band.max_employees is None:
            return _("Only the last band may be open-ended (%(band)s is not the last).", band=band.label)
        if following.min_employees <= band.max_employees:
            return _("The bands %(first)s and %(second)s overlap.", first=band.label, second=following.label)
        if following.min_employees > band.max_employees + 1:
            return _(
                "Between the bands %(first)s and %(second)s there is a gap: every number of employees needs a band.",
                first=band.label,
                second=following.label,
            )
    return None


def bands_text(rule: Rule) -> str:
    bands = rule.bands if isinstance(rule, EmployeeBands) else DEFAULT_BANDS.bands
    return "\n".join(f"{band.label}: {_amount(band.sek)}" for band in bands)


def sek_text(rule: Rule) -> str:
    return _amount(rule.sek_per_inhabitant if isinstance(rule, PerInhabitant) else DEFAULT_SEK_PER_INHABITANT)


# ---- the year's fee list ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """What the fee list needs to know about one member (plain values from one query)."""

    id: int
    name: str
    org_number: str | None
    sector: Sector
    status: MembershipStatus
    employees: int | None
    municipality: str | None
    inhabitants: int | None  # of its municipality at 31 December of the year before the fee year
    figure_source: str | None
    figure_approximate: bool
    paid_by: str | None = None  # the member parent whose fee includes this unit


@dataclass(frozen=True, slots=True)
class FeeListLine:
    member: Member
    rule: Rule | None
    fee: FeeLine


@dataclass(frozen=True)
class FeeList:
    year: int
    figure_year: int  # inhabitants are counted at 31 December of this year
    lines: list[FeeListLine]
    units: list[Member]  # included in a member parent's fee
    totals: FeeTotals
    by_sector: list[tuple[Sector, FeeTotals]]

    @property
    def figure_sources(self) -> list[tuple[str, bool]]:
        """The sources of the inhabitants figures the per-inhabitant fees used, and whether each is approximate."""
        used = {
            (line.member.figure_source, line.member.figure_approximate)
            for line in self.lines
            if line.fee.reason == "per_inhabitant" and line.member.figure_source
        }
        return sorted(used)


def compute_fee_list(year: int, members: Iterable[Member], rules: Mapping[Sector, Rule]) -> FeeList:
    """Pure: every member's line under its sector's rule, the totals, and the subtotals per sector."""
    members = list(members)
    payers = [member for member in members if member.paid_by is None]
    rows = [
        FeeRow(str(member.id), member.sector.value, inhabitants=member.inhabitants, employees=member.employees)
        for member in payers
    ]
    fees = yearly_fees(rows, {sector.value: rule for sector, rule in rules.items()})
    lines = [FeeListLine(member, rules.get(member.sector), fee) for member, fee in zip(payers, fees, strict=True)]
    by_sector = []
    for sector in Sector:
        sector_lines = [line.fee for line in lines if line.member.sector == sector]
        if sector_lines:
            by_sector.append((sector, fee_totals(sector_lines)))
    return FeeList(
        year=year,
        figure_year=year - 1,
        lines=lines,
        units=[member for member in members if member.paid_by is not None],
        totals=fee_totals(line.fee for line in lines),
        by_sector=by_sector,
    )


def members_for_fees(year: int) -> list[Member]:
    """Members and paused members with their municipality's inhabitants at the end of year - 1; one query."""
    parent = aliased(Organisation)
    figure = aliased(MunicipalityFigure)
    query = (
        sa.select(
            Organisation.id,
            Organisation.name,
            Organisation.org_number,
            Organisation.sector,
            Organisation.status,
            Organisation.employees,
            Municipality.name,
            figure.inhabitants,
            figure.source,
            figure.approximate,
            sa.case((parent.status.in_(PUBLIC_STATUSES), parent.name), else_=None),
        )
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .outerjoin(figure, sa.and_(figure.municipality_id == Organisation.municipality_id, figure.year == year - 1))
        .outerjoin(parent, Organisation.parent_id == parent.id)
        .where(Organisation.status.in_(PUBLIC_STATUSES))
        .order_by(Organisation.name_key, Organisation.id)
    )
    return [
        Member(
            id=row[0],
            name=row[1],
            org_number=row[2],
            sector=Sector(row[3]),
            status=MembershipStatus(row[4]),
            employees=row[5],
            municipality=row[6],
            inhabitants=row[7],
            figure_source=row[8],
            figure_approximate=bool(row[9]),
            paid_by=row[10],
        )
        for row in db.session.execute(query)
    ]


def fee_list(year: int) -> FeeList:
    return compute_fee_list(year, members_for_fees(year), load_rules())


def describe_rule(rule: Rule | None) -> str:
    """A sector's rule in words, in the current language."""
    if rule is None:
        return _("No rule")
    if isinstance(rule, PerInhabitant):
        return _("%(sek)s kr per inhabitant", sek=format_decimal(rule.sek_per_inhabitant))
    return _(
        "By number of employees: %(bands)s",
        bands="; ".join(f"{band.label}: {format_decimal(band.sek)} kr" for band in rule.bands),
    )


def describe_basis(line: FeeListLine, figure_year: int) -> str:
    """What one member's fee is computed from, or why it is unknown, in the current language."""
    member, fee = line.member, line.fee
    if fee.reason == "per_inhabitant":
        text = _(
            "%(inhabitants)s inhabitants in %(municipality)s at 31 December %(year)s",
            inhabitants=format_decimal(member.inhabitants),
            municipality=member.municipality,
            year=figure_year,
        )
        return f"{text} ({_('approximate')})" if member.figure_approximate else text
    if fee.reason == "band":
        return _(
            "%(employees)s employees: band %(band)s",
            employees=format_decimal(member.employees),
            band=fee.band.label if fee.band else "",
        )
    if fee.reason == "no_inhabitant_figure":
        if member.municipality is None:
            return _("Unknown: the member has no municipality, so no number of inhabitants.")
        return _(
            "Unknown: no number of inhabitants for %(municipality)s at 31 December %(year)s.",
            municipality=member.municipality,
            year=figure_year,
        )
    if fee.reason == "no_employee_count":
        return _("Unknown: the number of employees is not known.")
    if fee.reason == "no_band":
        return _("Unknown: no band covers %(employees)s employees.", employees=format_decimal(member.employees))
    if fee.reason == "no_rule":
        return _("Unknown: there is no fee rule for this sector.")
    return _("Unknown: the figure it would be computed from is not valid.")
