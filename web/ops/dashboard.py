"""The ops dashboard: throughput by kind and outcome, latency percentiles, straight-through rate, consumer
lag and money saved, from the metrics topic. Role: ops. Refreshes itself every few seconds with JavaScript;
without it, the page is complete and the browser's reload shows the latest figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from adapters.audit_notes import money
from web.http.page_templates import PageTemplates
from web.in_thread import in_thread
from web.kind_wording import STAFF_LABELS
from web.ops.charts import OUTCOME_COLOURS, PERCENTILE_COLOURS, STAGE_LABELS, format_ms, latency_chart, per_minute_chart
from web.staff_shell.guard import OpsApiUser, OpsPageUser, staff_shell
from web.staff_shell.pages import render_staff_page
from web.stores.metrics import OpsFigures

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 5


async def _figures(request: Request) -> tuple[OpsFigures, int | None]:
    office = staff_shell(request)
    figures = await in_thread(office.metrics.figures, office.clock())
    lag = office.lag.latest.total if office.lag is not None and office.lag.latest is not None else None
    return figures, lag


def _panel_context(figures: OpsFigures, lag: int | None) -> dict[str, Any]:
    rate = figures.straight_through_rate
    matched = figures.preview_match_rate
    return {
        "preview_matched": "–" if matched is None else f"{matched * 100:.0f}%",
        "figures": figures, "lag": lag, "money": money, "format_ms": format_ms,
        "straight_through": "–" if rate is None else f"{rate * 100:.0f}%",
        "per_minute_svg": per_minute_chart(figures.per_minute), "latency_svg": latency_chart(figures.latency_ms),
        "outcome_colours": OUTCOME_COLOURS, "percentile_colours": PERCENTILE_COLOURS,
        "stage_labels": STAGE_LABELS, "kind_labels": STAFF_LABELS,
        "outcomes": list(OUTCOME_COLOURS), "last_minute": figures.per_minute[-1].total if figures.per_minute else 0,
    }


@router.get("/ops")
async def dashboard(request: Request, user: OpsPageUser) -> Response:
    figures, lag = await _figures(request)
    return render_staff_page(request, "ops/dashboard.html", user, "/ops",
                              {**_panel_context(figures, lag), "refresh_seconds": REFRESH_SECONDS})


@router.get("/ops/panels")
async def panels(request: Request, _user: OpsApiUser) -> Response:
    """The dashboard's figures as an HTML fragment, for the page's own refresh."""
    figures, lag = await _figures(request)
    pages: PageTemplates = request.app.state.pages
    return pages.render(request, "ops/_panels.html", _panel_context(figures, lag))


@router.get("/ops/api/figures")
async def figures_json(request: Request, _user: OpsApiUser) -> dict[str, Any]:
    figures, lag = await _figures(request)
    return {
        "as_of": figures.as_of.isoformat(),
        "today": {"by_outcome": figures.today_by_outcome, "total": figures.today_total,
                  "straight_through_rate": figures.straight_through_rate,
                  "saving_pence": figures.saving_today_pence,
                  "by_kind_outcome": [{"kind": k, "outcome": o, "count": n}
                                      for (k, o), n in sorted(figures.by_kind_outcome.items())],
                  "by_kind": [{"kind": kind, "count": k.total, "applied": k.applied,
                               "straight_through_rate": k.straight_through_rate, "saving_pence": k.saving_pence}
                              for kind, k in figures.by_kind.items()],
                  "bill_previews": {"applied_with_preview": figures.previewed_today,
                                    "matched": figures.preview_matched_today,
                                    "match_rate": figures.preview_match_rate}},
        "to_date": {"notifications": figures.notifications_to_date, "saving_pence": figures.saving_to_date_pence},
        "latency_ms": {stage: {f"p{p}": v for p, v in values.items()} for stage, values in figures.latency_ms.items()},
        "per_minute": [{"minute": m.minute.isoformat(), **m.counts} for m in figures.per_minute],
        "consumer_lag": lag, "cost_model_versions": figures.cost_model_versions,
    }
