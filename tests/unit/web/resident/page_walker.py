"""Walks the resident pages in-process (no browser): answer each page as a form post, follow redirects."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import httpx


@dataclass
class PageWalker:
    client: httpx.AsyncClient

    async def page(self, path: str) -> httpx.Response:
        response = await self.client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.status_code)
        return response

    async def answer(self, path: str, fields: Mapping[str, str | list[str]], *, expect: int = 303) -> httpx.Response:
        """Post ``fields`` to ``path`` (with the page's CSRF token); return the response (not followed)."""
        page = await self.page(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found is not None, path
        response = await self.client.post(path, data={**fields, "csrf_token": found.group(1)})
        assert response.status_code == expect, (path, response.status_code, _errors(response.text))
        return response

    async def answer_then(self, path: str, fields: Mapping[str, str | list[str]]) -> str:
        """Answer ``path`` and return where the service sends the browser next."""
        return (await self.answer(path, fields)).headers["location"]


def _errors(html: str) -> list[str]:
    return re.findall(r'<a href="#[^"]+">([^<]+)</a>', html)
