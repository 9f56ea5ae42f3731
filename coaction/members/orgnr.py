"""The Swedish organisation number (organisationsnummer) as a pure, validated value."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\-+]")


class InvalidOrgNumber(ValueError):
    """The text is not a valid organisation number; str(error) says why in English, `code` for the forms."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit that makes nine digits a valid ten-digit number (Luhn, weights 2,1,2,...)."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


@dataclass(frozen=True, slots=True)
class OrgNumber:
    """Ten digits, shown as NNNNNN-NNNN. Parse accepts the dash, no dash, or the '16' century prefix."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> OrgNumber:
        compact = _SEPARATORS.sub("", text or "")
        if not compact:
            raise InvalidOrgNumber("empty", "empty")
        if not compact.isdigit():
            raise InvalidOrgNumber("only digits and a dash are allowed", "characters")
        if len(compact) == 12:
            if not compact.startswith("16"):
                raise InvalidOrgNumber("a 12-digit number must start with 16", "prefix")
            compact = compact[2:]
        if len(compact) != 10:
            raise InvalidOrgNumber("must have 10 digits", "length")
        if luhn_check_digit(compact[:9]) != int(compact[9]):
            raise InvalidOrgNumber("the check digit is wrong", "check_digit")
        return cls(compact)

    @classmethod
    def from_nine(cls, nine_digits: str) -> OrgNumber:
        """Complete nine digits with their check digit (used to synthesise valid numbers)."""
        return cls(nine_digits + str(luhn_check_digit(nine_digits)))

    def __str__(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"


def normalise_org_number(text: str) -> str:
    """The canonical NNNNNN-NNNN form, or InvalidOrgNumber."""
    return str(OrgNumber.parse(text))
