"""The council's empty-home settings: unset, the rules' defaults; set, within the law."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ctax.running.components import council_rules
from ctax.settings import Settings
from processors.rules.council import EmptyHomeRules


def test_unset_the_rules_defaults_apply() -> None:
    assert council_rules(Settings()).empty_homes == EmptyHomeRules()


def test_a_councils_choices_come_from_its_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTAX_EMPTY_DISCOUNT_PERCENT", "50")
    monkeypatch.setenv("CTAX_EMPTY_DISCOUNT_MONTHS", "3")
    monkeypatch.setenv("CTAX_LONG_TERM_EMPTY_PREMIUMS", '{"2": 100, "5": 150}')
    monkeypatch.setenv("CTAX_SECOND_HOME_PREMIUM_PERCENT", "0")
    empty = council_rules(Settings()).empty_homes
    assert (empty.discount_percent, empty.discount_months, empty.long_term_premiums,
            empty.second_home_premium_percent) == (50, 3, ((2, 100), (5, 150)), 0)


@pytest.mark.parametrize("premiums", ['{"1": 150}', '{"5": 250}', '{"0": 100}', '{"10": -1}'])
def test_a_premium_the_act_does_not_allow_is_refused(monkeypatch: pytest.MonkeyPatch, premiums: str) -> None:
    monkeypatch.setenv("CTAX_LONG_TERM_EMPTY_PREMIUMS", premiums)
    with pytest.raises(ValidationError, match=r"outside s\.11B"):
        Settings()
