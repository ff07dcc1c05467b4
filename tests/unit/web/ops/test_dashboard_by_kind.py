"""The ops dashboard shows one table by kind of change: each outcome, the total, straight-through and saving."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.staff_shell.fixtures import office_of, running, sign_in, staff_shell_app
from tests.unit.web.stores.fixtures import NOW, metric


async def test_one_table_by_kind_with_outcomes_and_savings(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        office = office_of(app)
        office.clock = lambda: NOW
        office.metrics.record([metric(1, kind="single_person_discount"), metric(2, "review", "single_person_discount"),
                               metric(3, "rejected", "move_out")])
        await sign_in(client, "operator")
        page = (await client.get("/ops")).text
    assert page.count("Today by kind") == 1
    table = page[page.index('id="by-kind"'):]
    table = table[:table.index("</table>")]
    for heading in ("Applied", "Review", "Rejected", "Finished", "Straight through", "Saved"):
        assert f">{heading}</th>" in table
    spd = table[table.index('data-kind="single_person_discount"'):]
    spd = spd[:spd.index("</tr>")]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-outcome="applied">1</td>' in spd
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-outcome="review">1</td>' in spd
    assert ">50%</td>" in spd
