"""The instalments answer says what the scheme will give for the bill the resident is about to get."""

from __future__ import annotations

from datetime import date

import pytest

from web.resident.change_answers import instalments_label

TWELVE = "12 monthly instalments (April to March)"
TEN = "10 monthly instalments (April to January)"


@pytest.mark.parametrize(("twelve", "starts", "today", "expected"), [
    (True, date(2026, 4, 2), date(2026, 4, 10), TWELVE),  # para 2(3A)(a)(i): by 15 April
    (False, date(2026, 4, 20), date(2026, 4, 28), TEN),  # para 2(3)(a): by 30 April
    (True, date(2027, 4, 5), date(2027, 3, 25), TWELVE),  # sent before the year the bill is for
    (True, date(2026, 12, 1), date(2026, 12, 3),
     f"{TWELVE} from next April. This year's bill: monthly instalments up to March"),
    (False, date(2026, 4, 20), date(2026, 5, 4),
     f"{TEN} from next April. This year's bill: monthly instalments up to March"),
    (True, date(2027, 1, 10), date(2027, 1, 12), f"{TWELVE} from next April. This year's bill: one payment"),
])
def test_the_label_follows_when_the_bill_is_sent(twelve: bool, starts: date, today: date, expected: str) -> None:
    assert instalments_label(twelve, starts, today) == expected

