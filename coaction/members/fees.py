"""Yearly membership fees, computed from rules that are data, not code.

Municipalities pay a fixed amount per inhabitant (counted at 31 December of the previous year); companies and
other organisations pay by employee band. The amounts and bands are the coordinator's to set, so they live in
rule values, and this module only applies them. Money is Decimal, rounded to whole kronor half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

WHOLE_KRONOR = Decimal("1")

FeeReason = Literal[
    "per_inhabitant",
    "band",
    "no_inhabitant_figure",
    "no_employee_count",
    "invalid_inhabitant_figure",
    "invalid_employee_count",
    "no_band",
    "no_rule",
]


def _sek(value: Decimal | int | str, what: str) -> Decimal:
    """An amount as Decimal; floats are refused because they cannot hold öre exactly."""
    if isinstance(value, float | bool):
        raise TypeError(f"{what} must be a Decimal, an int or a string, not {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{what} must be a finite amount of zero or more, got {value}")
    return amount


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(WHOLE_KRONOR, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PerInhabitant:
    """The municipalities' rule: so many kronor per inhabitant."""

    sek_per_inhabitant: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "sek_per_inhabitant", _sek(self.sek_per_inhabitant, "sek_per_inhabitant"))


@dataclass(frozen=True, slots=True)
class Band:
    """Employees from min to max inclusive pay `sek`; max None means "and more"."""

    min_employees: int
    max_employees: int | None
    sek: Decimal

    def __post_init__(self) -> None:
        if self.min_employees < 0:
            raise ValueError(f"a band cannot start below 0 employees, got {self.min_employees}")
        if self.max_employees is not None and self.max_employees < self.min_employees:
            raise ValueError(f"band {self.label} ends before it starts")
        object.__setattr__(self, "sek", _sek(self.sek, f"the fee of band {self.label}"))

    @property
    def label(self) -> str:
        """As written in the fee table: "50–249", "1000+"."""
        if self.max_employees is None:
            return f"{self.min_employees}+"
        return f"{self.min_employees}–{self.max_employees}"

    def contains(self, employees: int) -> bool:
        return self.min_employees <= employees and (self.max_employees is None or employees <= self.max_employees)


@dataclass(frozen=True, slots=True)
class EmployeeBands:
    """Companies' and other organisations' rule: a fee per employee band.

    The bands are kept in ascending order and must cover a continuous range from 0 or 1 employees, so that no
    organisation falls between two bands or into two at once. Only the last band may be open-ended; if it is
    closed, larger organisations have no band and their fee is unknown rather than guessed.
    """

    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        bands = tuple(sorted(self.bands, key=lambda band: band.min_employees))
        if not bands:
            raise ValueError("there must be at least one employee band")
        if bands[0].min_employees not in (0, 1):
            raise ValueError(f"the first band must start at 0 or 1 employees, not {bands[0].min_employees}")
        for band, following in zip(bands, bands[1:], strict=False):
            if band.max_employees is None:
                raise ValueError(
                    f"only the last band may be open-ended, but {band.label} is followed by {following.label}"
                )
            if following.min_employees <= band.max_employees:
                raise ValueError(f"bands {band.label} and {following.label} overlap")
            if following.min_employees > band.max_employees + 1:
                first, last = band.max_employees + 1, following.min_employees - 1
                missing = f"{first}" if first == last else f"{first}–{last}"
                raise ValueError(
                    f"bands {band.label} and {following.label} leave a gap: {missing} employees have no band"
                )
        object.__setattr__(self, "bands", bands)

    def band_for(self, employees: int) -> Band | None:
        return next((band for band in self.bands if band.contains(employees)), None)


Rule = PerInhabitant | EmployeeBands


@dataclass(frozen=True, slots=True)
class FeeResult:
    """The fee, or None with the reason it cannot be computed; `reason` is a short code for display and filters."""

    amount: Decimal | None
    reason: FeeReason
    band: Band | None = None


def fee_for(rule: Rule, *, inhabitants: int | None, employees: int | None) -> FeeResult:
    """One organisation's yearly fee under its rule. A missing or impossible figure is reported, never raised,
    so that one incomplete organisation does not stop the year's invoicing."""
    if isinstance(rule, PerInhabitant):
        if inhabitants is None:
            return FeeResult(None, "no_inhabitant_figure")
        if inhabitants < 0:
            return FeeResult(None, "invalid_inhabitant_figure")
        return FeeResult(_round(rule.sek_per_inhabitant * inhabitants), "per_inhabitant")
    if isinstance(rule, EmployeeBands):
        if employees is None:
            return FeeResult(None, "no_employee_count")
        if employees < 0:
            return FeeResult(None, "invalid_employee_count")
        band = rule.band_for(employees)
        if band is None:
            return FeeResult(None, "no_band")
        return FeeResult(_round(band.sek), "band", band)
    raise TypeError(f"unknown fee rule {type(rule).__name__}")


@dataclass(frozen=True, slots=True)
class FeeRow:
    """What the fee computation needs to know about one member organisation."""

    organisation: str
    rule_key: str
    inhabitants: int | None = None
    employees: int | None = None


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One organisation's line in the year's fee list."""

    organisation: str
    rule_key: str
    amount: Decimal | None
    reason: FeeReason
    band: Band | None = None


@dataclass(frozen=True, slots=True)
class FeeTotals:
    """The sum of the fees that could be computed, and how many could not (so the sum is never mistaken for all)."""

    total: Decimal
    known: int
    unknown: int


def yearly_fees(rows: Iterable[FeeRow], rules: Mapping[str, Rule]) -> list[FeeLine]:
    """The fee line for every row, in the order given; a row whose rule key is not in `rules` gets "no_rule"."""
    lines = []
    for row in rows:
        rule = rules.get(row.rule_key)
        result = (
            FeeResult(None, "no_rule")
            if rule is None
            else fee_for(rule, inhabitants=row.inhabitants, employees=row.employees)
        )
        lines.append(FeeLine(row.organisation, row.rule_key, result.amount, result.reason, result.band))
    return lines


def fee_totals(lines: Iterable[FeeLine]) -> FeeTotals:
    """Add up the known amounts and count the unknown ones."""
    total = Decimal(0)
    known = unknown = 0
    for line in lines:
        if line.amount is None:
            unknown += 1
        else:
            total += line.amount
            known += 1
    return FeeTotals(total, known, unknown)
