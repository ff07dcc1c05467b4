"""The ops dashboard shows the share of today's bill previews whose applied amounts matched (page and JSON)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.web.staff_shell.fixtures import office_of, running, sign_in, staff_shell_app
from tests.unit.web.stores.fixtures import NOW, metric


async def test_the_share_of_previews_that_matched_is_on_the_page_and_in_the_figures(tmp_path: Path) -> None:
    app = staff_shell_app(tmp_path)
    async with running(app) as client:
        office = office_of(app)
        office.clock = lambda: NOW
        await sign_in(client, "operator")
        empty = (await client.get("/ops")).text
        office.metrics.record([metric(1, preview_matched=True), metric(2, preview_matched=True),
                               metric(3, preview_matched=True), metric(4, preview_matched=False), metric(5)])
        page = (await client.get("/ops")).text
        figures = (await client.get("/ops/api/figures")).json()
    assert 'id="figure-preview-matched">–</strong>' in empty
    shown = page[page.index('id="bill-previews"'):]
    shown = shown[:shown.index("</p>")]
    assert 'id="figure-preview-matched">75%</strong>' in shown
    assert "of 4 applied notifications sent after seeing an estimate" in " ".join(shown.split())
    assert figures["today"]["bill_previews"] == {"applied_with_preview": 4, "matched": 3, "match_rate": 0.75}
