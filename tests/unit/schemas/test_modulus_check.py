"""The test cases published with Vocalink's "Validating account numbers" specification, valid and invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.modulus_check import ModulusTableError, load_tables, parse_weight_table

TABLES = load_tables(Path(__file__).parent / "modulus_tables")

PUBLISHED = [  # (sort code, account number, valid, what the case shows), in the specification's order
    ("089999", "66374958", True, "pass modulus 10 check"),
    ("107999", "88837491", True, "pass modulus 11 check"),
    ("202959", "63748472", True, "pass modulus 11 and double alternate checks"),
    ("871427", "46238510", True, "exception 10 & 11: first check passes, second fails"),
    ("872427", "46238510", True, "exception 10 & 11: first check fails, second passes"),
    ("871427", "09123496", True, "exception 10: ab = 09 and g = 9, first check passes, second fails"),
    ("871427", "99123496", True, "exception 10: ab = 99 and g = 9, first check passes, second fails"),
    ("820000", "73688637", True, "exception 3, start of a range: c = 6, second check ignored"),
    ("827999", "73988638", True, "exception 3, end of a range: c = 9, second check ignored"),
    ("827101", "28748352", True, "exception 3: c is neither 6 nor 9, both checks pass"),
    ("134020", "63849203", True, "exception 4: the remainder equals the check digits"),
    ("118765", "64371389", True, "exception 1: 27 added to the total, double alternate passes"),
    ("200915", "41011166", True, "exception 6: fails the standard check but is a foreign currency account"),
    ("938611", "07806039", True, "exception 5: the check passes"),
    ("938600", "42368003", True, "exception 5: the check passes with substitution"),
    ("938063", "55065200", True, "exception 5: both checks give a remainder of 0 and pass"),
    ("772798", "99345694", True, "exception 7: passes but would fail the standard check"),
    ("086090", "06774744", True, "exception 8: the check passes"),
    ("309070", "02355688", True, "exception 2 & 9: the first check passes"),
    ("309070", "12345668", True, "exception 2 & 9: the first check fails, the second passes with substitution"),
    ("309070", "12345677", True, "exception 2 & 9: a != 0 and g != 9, passes"),
    ("309070", "99345694", True, "exception 2 & 9: a != 0 and g = 9, passes"),
    ("938063", "15764273", False, "exception 5: first check digit correct, second incorrect"),
    ("938063", "15764264", False, "exception 5: first check digit incorrect, second correct"),
    ("938063", "15763217", False, "exception 5: first check digit incorrect with a remainder of 1"),
    ("118765", "64371388", False, "exception 1: fails the double alternate check"),
    ("203099", "66831036", False, "passes modulus 11, fails double alternate"),
    ("203099", "58716970", False, "fails modulus 11, passes double alternate"),
    ("089999", "66374959", False, "fails modulus 10"),
    ("107999", "88837493", False, "fails modulus 11"),
    ("074456", "12345112", True, "exception 12/13: passes modulus 11 (modulus 10 would fail)"),
    ("070116", "34012583", True, "exception 12/13: passes modulus 11 (modulus 10 passes too)"),
    ("074456", "11104102", True, "exception 12/13: fails modulus 11, passes modulus 10"),
    ("180002", "00000190", True, "exception 14: the first check fails, the second passes"),
]


@pytest.mark.parametrize(("sort_code", "account_number", "valid", "shows"), PUBLISHED,
                         ids=[case[3] for case in PUBLISHED])
def test_the_published_test_cases(sort_code: str, account_number: str, valid: bool, shows: str) -> None:
    assert TABLES.is_valid(sort_code, account_number) is valid, shows


def test_a_sort_code_the_table_does_not_cover_cannot_be_checked_and_is_taken_as_valid() -> None:
    assert TABLES.is_valid("401276", "12345678")


def test_a_table_line_out_of_layout_is_refused_with_its_line_number() -> None:
    with pytest.raises(ModulusTableError, match="line 2"):
        parse_weight_table(["089000 089999 MOD10 0 0 0 0 0 0 7 1 3 7 1 3 7 1", "089000 089999 MOD12 0 0"])
