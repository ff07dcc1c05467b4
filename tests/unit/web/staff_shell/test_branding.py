"""Staff and ops pages carry the council's branding, as the resident pages do: no Crown, no Royal Arms."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.web.staff_shell.fixtures import running, sign_in, staff_shell_app

CENTRAL_GOVERNMENT_MARKS = ("govuk-footer__crown", "govuk-footer__copyright-logo", "govuk-footer__licence-logo",
                            "Crown copyright", "Open Government Licence")


def footer_of(page: str) -> str:
    return page[page.index("<footer"):page.index("</footer>")]


@pytest.mark.parametrize(("username", "path"), [(None, "/sign-in"), ("officer", "/staff"), ("operator", "/ops")])
async def test_a_staff_or_ops_page_has_the_councils_footer(tmp_path: Path, username: str | None, path: str) -> None:
    async with running(staff_shell_app(tmp_path)) as client:
        if username is not None:
            await sign_in(client, username)
        page = await client.get(path)
    assert page.status_code == 200
    footer = footer_of(page.text)
    assert "© Exampleshire District Council" in footer
    assert "<svg" not in footer
    for mark in CENTRAL_GOVERNMENT_MARKS:
        assert mark not in footer
