import pytest

from coaction.members.orgnr import InvalidOrgNumber, OrgNumber, luhn_check_digit, normalise_org_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("556036-0793", "556036-0793"),  # Volvo Personvagnar's published number
        ("5560360793", "556036-0793"),
        ("16556036-0793", "556036-0793"),
        ("165560360793", "556036-0793"),
        (" 212000-0142 ", "212000-0142"),  # Södertälje kommun
        ("202100-6255", "202100-6255"),  # Lunds universitet
    ],
)
def test_accepts_the_written_forms(text, expected):
    assert normalise_org_number(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("556036-0795", "check digit"),
        ("556036-079", "10 digits"),
        ("55603607930", "10 digits"),
        ("196556036-0793", "10 digits"),
        ("185560360793", "start with 16"),
        ("55603A-0793", "only digits"),
        ("", "empty"),
    ],
)
def test_rejects_with_a_reason(text, reason):
    with pytest.raises(InvalidOrgNumber, match=reason):
        OrgNumber.parse(text)


def test_check_digit_completes_any_nine_digits():
    for nine in ("556036079", "212000014", "000000000", "999999999"):
        number = OrgNumber.from_nine(nine)
        assert OrgNumber.parse(str(number)) == number
        assert str(number)[-1] == str(luhn_check_digit(nine))


def test_every_other_last_digit_is_rejected():
    valid = OrgNumber.from_nine("556677889").digits
    for digit in "0123456789":
        candidate = valid[:9] + digit
        if candidate != valid:
            with pytest.raises(InvalidOrgNumber):
                OrgNumber.parse(candidate)
