from __future__ import annotations

from decimal import Decimal

import pytest

from coaction.members.fees import (
    Band,
    EmployeeBands,
    FeeLine,
    FeeResult,
    FeeRow,
    FeeTotals,
    PerInhabitant,
    fee_for,
    fee_totals,
    yearly_fees,
)

FOUR_PER_INHABITANT = PerInhabitant(Decimal(4))

# The example bands from the brief: 1–49, 50–249, 250–999, 1000+.
EXAMPLE_BANDS = EmployeeBands(
    (
        Band(1, 49, Decimal(5000)),
        Band(50, 249, Decimal(15000)),
        Band(250, 999, Decimal(30000)),
        Band(1000, None, Decimal(50000)),
    )
)


def test_sodertorn_2021_fee_from_the_seed_annual_report():
    # 507,552 inhabitants at the end of 2020, 4 SEK each.
    result = fee_for(FOUR_PER_INHABITANT, inhabitants=507_552, employees=None)
    assert result == FeeResult(Decimal(2_030_208), "per_inhabitant")
    assert str(result.amount) == "2030208"


@pytest.mark.parametrize(
    ("inhabitants", "amount"),
    [(0, 0), (1, 4), (27_000, 108_000), (113_000, 452_000)],
)
def test_per_inhabitant_scales_and_ignores_employees(inhabitants, amount):
    result = fee_for(FOUR_PER_INHABITANT, inhabitants=inhabitants, employees=5_000)
    assert result.amount == Decimal(amount)
    assert result.reason == "per_inhabitant"


@pytest.mark.parametrize(
    ("employees", "sek", "label"),
    [
        (1, 5000, "1–49"),
        (49, 5000, "1–49"),
        (50, 15000, "50–249"),
        (249, 15000, "50–249"),
        (250, 30000, "250–999"),
        (999, 30000, "250–999"),
        (1000, 50000, "1000+"),
        (1001, 50000, "1000+"),
        (250_000, 50000, "1000+"),  # the open-ended last band has no ceiling
    ],
)
def test_band_edges(employees, sek, label):
    result = fee_for(EXAMPLE_BANDS, inhabitants=None, employees=employees)
    assert result.amount == Decimal(sek)
    assert result.reason == "band"
    assert result.band is not None and result.band.label == label


def test_bands_ignore_inhabitants():
    assert fee_for(EXAMPLE_BANDS, inhabitants=1_000_000, employees=10).amount == Decimal(5000)


def test_zero_employees_fall_below_bands_starting_at_one():
    assert fee_for(EXAMPLE_BANDS, inhabitants=None, employees=0) == FeeResult(None, "no_band")


def test_bands_may_start_at_zero():
    bands = EmployeeBands((Band(0, 9, Decimal(1000)), Band(10, None, Decimal(2000))))
    assert fee_for(bands, inhabitants=None, employees=0).amount == Decimal(1000)
    assert fee_for(bands, inhabitants=None, employees=9).amount == Decimal(1000)
    assert fee_for(bands, inhabitants=None, employees=10).amount == Decimal(2000)


def test_a_closed_last_band_leaves_larger_organisations_unknown():
    bands = EmployeeBands((Band(1, 49, Decimal(5000)), Band(50, 99, Decimal(8000))))
    assert fee_for(bands, inhabitants=None, employees=99).amount == Decimal(8000)
    assert fee_for(bands, inhabitants=None, employees=100) == FeeResult(None, "no_band")


def test_a_single_open_band_charges_everyone_the_same():
    bands = EmployeeBands((Band(0, None, Decimal(3000)),))
    for employees in (0, 1, 10_000):
        assert fee_for(bands, inhabitants=None, employees=employees).amount == Decimal(3000)


def test_bands_given_out_of_order_are_sorted():
    bands = EmployeeBands((Band(50, None, Decimal(15000)), Band(1, 49, Decimal(5000))))
    assert [band.label for band in bands.bands] == ["1–49", "50+"]
    assert fee_for(bands, inhabitants=None, employees=49).amount == Decimal(5000)
    assert fee_for(bands, inhabitants=None, employees=50).amount == Decimal(15000)


@pytest.mark.parametrize(
    ("rule", "inhabitants", "employees", "reason"),
    [
        (FOUR_PER_INHABITANT, None, None, "no_inhabitant_figure"),
        (FOUR_PER_INHABITANT, None, 120, "no_inhabitant_figure"),  # employees are no substitute
        (FOUR_PER_INHABITANT, -1, None, "invalid_inhabitant_figure"),
        (EXAMPLE_BANDS, None, None, "no_employee_count"),
        (EXAMPLE_BANDS, 90_000, None, "no_employee_count"),  # nor are inhabitants
        (EXAMPLE_BANDS, None, -5, "invalid_employee_count"),
    ],
)
def test_missing_or_impossible_figures_give_a_reason_not_an_exception(rule, inhabitants, employees, reason):
    assert fee_for(rule, inhabitants=inhabitants, employees=employees) == FeeResult(None, reason)


def test_an_unknown_kind_of_rule_is_a_programming_error():
    with pytest.raises(TypeError, match="unknown fee rule"):
        fee_for("per_inhabitant", inhabitants=1, employees=1)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "at least one employee band"),
        ((Band(2, 49, Decimal(1)), Band(50, None, Decimal(2))), "first band must start at 0 or 1 employees, not 2"),
        (
            (Band(1, 49, Decimal(1)), Band(51, None, Decimal(2))),
            "1–49 and 51\\+ leave a gap: 50 employees have no band",
        ),
        (
            (Band(1, 49, Decimal(1)), Band(100, 249, Decimal(2)), Band(250, None, Decimal(3))),
            "leave a gap: 50–99 employees have no band",
        ),
        ((Band(1, 49, Decimal(1)), Band(49, None, Decimal(2))), "bands 1–49 and 49\\+ overlap"),
        ((Band(1, 249, Decimal(1)), Band(50, 999, Decimal(2))), "bands 1–249 and 50–999 overlap"),
        ((Band(1, None, Decimal(1)), Band(50, 249, Decimal(2))), "only the last band may be open-ended, but 1\\+"),
        (
            (Band(1, 49, Decimal(1)), Band(50, None, Decimal(2)), Band(1000, None, Decimal(3))),
            "only the last band may be open-ended, but 50\\+ is followed by 1000\\+",
        ),
    ],
)
def test_invalid_band_sets_are_refused_with_the_problem_named(bands, message):
    with pytest.raises(ValueError, match=message):
        EmployeeBands(bands)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((-1, 10, Decimal(1)), ValueError, "cannot start below 0"),
        ((50, 49, Decimal(1)), ValueError, "band 50–49 ends before it starts"),
        ((1, 49, Decimal(-1)), ValueError, "zero or more"),
        ((1, 49, Decimal("NaN")), ValueError, "finite"),
        ((1, 49, 5000.0), TypeError, "not float"),
    ],
)
def test_invalid_bands_are_refused(args, error, message):
    with pytest.raises(error, match=message):
        Band(*args)


def test_per_inhabitant_refuses_negative_and_float_amounts():
    with pytest.raises(ValueError, match="sek_per_inhabitant must be a finite amount of zero or more"):
        PerInhabitant(Decimal("-0.5"))
    with pytest.raises(TypeError, match="not float"):
        PerInhabitant(4.0)


def test_int_and_string_amounts_become_decimal():
    assert PerInhabitant(4).sek_per_inhabitant == Decimal(4)
    assert Band(1, None, "5000.00").sek == Decimal("5000.00")


@pytest.mark.parametrize(
    ("per_inhabitant", "inhabitants", "amount"),
    [
        ("2.5", 1, 3),  # half up, where banker's rounding would give 2
        ("2.5", 3, 8),  # 7.5
        ("2.5", 5, 13),  # 12.5, banker's would give 12
        ("2.5", 2, 5),
        ("0.49", 1, 0),
        ("0.5", 1, 1),
        ("1.005", 1000, 1005),
        ("3.333", 3, 10),  # 9.999
        ("4.10", 507_552, 2_080_963),  # 2,080,963.20
        ("4.15", 507_552, 2_106_341),  # 2,106,340.80
    ],
)
def test_per_inhabitant_rounds_half_up_to_whole_kronor(per_inhabitant, inhabitants, amount):
    result = fee_for(PerInhabitant(Decimal(per_inhabitant)), inhabitants=inhabitants, employees=None)
    assert result.amount == Decimal(amount)
    assert result.amount.as_tuple().exponent == 0


@pytest.mark.parametrize(("sek", "amount"), [("4999.50", 5000), ("4999.49", 4999), ("5000.00", 5000)])
def test_band_fees_round_half_up_to_whole_kronor(sek, amount):
    bands = EmployeeBands((Band(1, None, Decimal(sek)),))
    result = fee_for(bands, inhabitants=None, employees=10)
    assert result.amount == Decimal(amount)
    assert result.amount.as_tuple().exponent == 0


def test_yearly_fees_keeps_row_order_and_reports_unknowns():
    rules = {"municipality": FOUR_PER_INHABITANT, "company": EXAMPLE_BANDS, "association": EXAMPLE_BANDS}
    rows = [
        FeeRow("Kommun A", "municipality", inhabitants=100_000),
        FeeRow("Bolag B", "company", employees=49),
        FeeRow("Bolag C", "company", employees=None),
        FeeRow("Förening D", "association", employees=1000),
        FeeRow("Kommun E", "municipality", inhabitants=None, employees=300),
        FeeRow("Myndighet F", "authority", employees=300),
    ]
    lines = yearly_fees(rows, rules)
    assert [(line.organisation, line.amount, line.reason) for line in lines] == [
        ("Kommun A", Decimal(400_000), "per_inhabitant"),
        ("Bolag B", Decimal(5000), "band"),
        ("Bolag C", None, "no_employee_count"),
        ("Förening D", Decimal(50000), "band"),
        ("Kommun E", None, "no_inhabitant_figure"),
        ("Myndighet F", None, "no_rule"),
    ]
    assert lines[1] == FeeLine("Bolag B", "company", Decimal(5000), "band", Band(1, 49, Decimal(5000)))
    assert fee_totals(lines) == FeeTotals(total=Decimal(455_000), known=3, unknown=3)


def test_yearly_fees_of_nobody():
    assert yearly_fees([], {"municipality": FOUR_PER_INHABITANT}) == []
    assert fee_totals([]) == FeeTotals(Decimal(0), 0, 0)


def test_totals_when_everything_is_known():
    lines = yearly_fees(
        (FeeRow(f"Bolag {n}", "company", employees=n) for n in (1, 50, 250)),
        {"company": EXAMPLE_BANDS},
    )
    assert fee_totals(lines) == FeeTotals(Decimal(50_000), 3, 0)
