"""Server-rendered SVG charts for the ops dashboard: readable at a glance, no JavaScript needed.

Colours are GOV.UK Frontend's palette; only presentation attributes are used (the Content-Security-Policy
forbids inline styles). Every chart has a title and description for screen readers, and the page shows
the same figures in tables.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from web.stores.metrics import PERCENTILES, STAGES, MinuteCount

OUTCOME_COLOURS = {"applied": "#00703c", "review": "#f47738", "rejected": "#d4351c", "duplicate": "#505a5f"}
PERCENTILE_COLOURS = {50: "#1d70b8", 95: "#003078", 99: "#4c2c92"}
STAGE_LABELS = {"validate": "Validate", "assess": "Assess", "apply": "Apply", "end_to_end": "End to end"}
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def per_minute_chart(minutes: list[MinuteCount], *, width: int = 720, height: int = 220) -> Markup:
    """Stacked bars: notifications finished each minute, coloured by outcome."""
    left, bottom, top, right = 40, 28, 10, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_ceiling(max((m.total for m in minutes), default=0))
    slot = plot_w / max(len(minutes), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        'aria-labelledby="per-minute-title per-minute-desc" class="ctax-chart" id="per-minute-chart">',
        '<title id="per-minute-title">Notifications finished per minute, last hour</title>',
        f'<desc id="per-minute-desc">{sum(m.total for m in minutes)} notifications in the last '
        f'{len(minutes)} minutes; busiest minute {int(max((m.total for m in minutes), default=0))}.</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
                     'stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
                     f'{peak * fraction:g}</text>')
    for index, minute in enumerate(minutes):
        x = left + index * slot + 1
        y = top + plot_h
        for outcome, colour in OUTCOME_COLOURS.items():
            count = minute.counts.get(outcome, 0)
            if count:
                h = plot_h * count / peak
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(slot - 2, 1):.1f}" height="{h:.1f}" '
                             f'fill="{colour}"><title>{escape(minute.minute.strftime("%H:%M"))} {outcome}: '
                             f'{count}</title></rect>')
        if index % 10 == 0 or index == len(minutes) - 1:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="12" '
                         f'fill="{TEXT}">{escape(minute.minute.strftime("%H:%M"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped text only


def latency_chart(latency_ms: dict[str, dict[int, float | None]], *, width: int = 720) -> Markup:
    """Horizontal bars per stage: p50, p95 and p99 in milliseconds (log-free, longest bar = slowest)."""
    row_h, gap, left, right, top = 14, 14, 110, 90, 8
    height = top + len(STAGES) * (len(PERCENTILES) * row_h + gap)
    values = [v for stage in STAGES for v in latency_ms.get(stage, {}).values() if v is not None]
    peak = max(values, default=0) or 1
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        'aria-labelledby="latency-title" class="ctax-chart" id="latency-chart">',
        '<title id="latency-title">Latency percentiles per stage today, in milliseconds</title>',
    ]
    y = top
    for stage in STAGES:
        parts.append(f'<text x="0" y="{y + row_h * 2:.1f}" font-size="14" font-weight="bold" fill="{TEXT}">'
                     f'{STAGE_LABELS[stage]}</text>')
        for pct in PERCENTILES:
            value = latency_ms.get(stage, {}).get(pct)
            w = 0 if value is None else max(plot_w * value / peak, 1)
            parts.append(f'<rect x="{left}" y="{y:.1f}" width="{w:.1f}" height="{row_h - 2}" '
                         f'fill="{PERCENTILE_COLOURS[pct]}"/>')
            label = "no data" if value is None else f"p{pct} {format_ms(value)}"
            parts.append(f'<text x="{left + w + 6:.1f}" y="{y + row_h - 3:.1f}" font-size="12" fill="{TEXT}">'
                         f'{label}</text>')
            y += row_h
        y += gap
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built from numbers and escaped text only


def format_ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.0f} s"
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms"
