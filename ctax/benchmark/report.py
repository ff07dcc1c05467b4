"""The benchmark's table (for people) and JSON (for tracking over time)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NAME = 42  # width of the row names ("bare Faust agent, decode-validate-encode")


def _cell(value: Any, width: int, digits: int = 1) -> str:
    """Right-aligned in ``width``, and always at least one space from the column before (a slow baseline's
    latencies are wider than the column)."""
    if value is None:
        text = "-"
    elif isinstance(value, float):
        text = f"{value:,.{digits}f}"
    else:
        text = str(value)
    return f" {text}".rjust(width)


def render_table(result: dict[str, Any]) -> str:
    lines = []
    machine = result["machine"]
    lines.append(f"machine: {machine['cores']} cores, {machine['cpu']}, {machine['memory_gb']} GB; "
                 f"Python {machine['python']}; {machine['kafka']}; {machine['database']}")
    lines.append("packages: " + ", ".join(f"{k} {v}" for k, v in machine["packages"].items()))
    lines.append("config: " + ", ".join(f"{k}={v}" for k, v in result["config"].items()))
    if result["rows"]:
        lines.extend(_drain_table(result))
    if "intake" in result:
        intake = result["intake"]
        lines.append("")
        lines.append(f"HTTP ({intake['concurrency']} connections, {intake['seconds']:.0f} s each, separate load "
                     "generator process):")
        if intake.get("bare_http"):
            lines.append(_http_line("bare HTTP (/healthz, same app)", "answered", intake["bare_http"]))
        lines.append(_http_line("intake (POST /api/v1/notifications)", "accepted", intake))
    split = result.get("worker_cpu_by_stage")
    if split is not None and not split.get("samples"):
        lines.append("")
        lines.append("worker CPU by stage: no busy samples (the backlog drained before the profile could start)")
    elif split is not None:
        lines.append("")
        shares = ", ".join(f"{stage} {share * 100:.0f}%" for stage, share in split.items() if stage != "samples")
        lines.append(f"worker CPU by stage (py-spy, one worker draining the backlog again, "
                     f"{int(split.get('samples', 0)):,} busy samples): {shares}")
    if result.get("ratios"):
        lines.append("")
        lines.extend(f"{k}: {v}" for k, v in result["ratios"].items())
    for note in result.get("notes", []):
        lines.append(f"note: {note}")
    for row in result["rows"]:
        latency = row.get("latency") or {}
        offered, finished = latency.get("offered", 0), latency.get("finished", 0)
        if finished < offered:
            lines.append(f"note: {row['name']}: only {finished:,} of the {offered:,} notifications offered at "
                         f"{latency['offered_per_second']:g}/s finished before the wait ended; its latency "
                         "percentiles cover those alone and understate it")
    return "\n".join(lines)


def _drain_table(result: dict[str, Any]) -> list[str]:
    lines = [""]
    offered = result["config"]["latency_rate"]
    header = (f"{'':<{NAME}}{'backlog':>9}{'drain n/s':>11}{'CPU s/1k':>10}{'Kafka s/1k':>11}{'DB s/1k':>9}"
              f"{'peak MB':>9}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    lines.append(f"{'':<{NAME}}{'-- drain of a pre-loaded backlog --':^59}"
                 f"{f'-- latency at {offered:g}/s offered --':^36}")
    lines.append(header)
    for row in result["rows"]:
        drain = row.get("drain") or {}
        latency = row.get("latency") or {}
        lines.append(
            f"{row['name']:<{NAME}}{_cell(drain.get('notifications'), 9)}{_cell(drain.get('per_second'), 11)}"
            f"{_cell(drain.get('cpu_seconds_per_1000'), 10, 2)}{_cell(drain.get('broker_cpu_seconds_per_1000'), 11, 2)}"
            f"{_cell(drain.get('database_cpu_seconds_per_1000'), 9, 2)}{_cell(drain.get('peak_rss_mb'), 9)}"
            f"{_cell(latency.get('p50_ms'), 9)}{_cell(latency.get('p95_ms'), 9)}{_cell(latency.get('p99_ms'), 9)}"
            f"{_cell(latency.get('max_ms'), 9)}")
    return lines


def _http_line(name: str, verb: str, figures: dict[str, Any]) -> str:
    return (f"  {name}: {figures['accepted_per_second']:,.1f} {verb}/s; p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms; "
            f"status codes {figures['codes']}"
            + (f"; web CPU {figures['web_cpu_seconds_per_1000']:.2f} s/1k" if "web_cpu_seconds_per_1000" in figures
               else ""))


def write_json(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{result['started_at'].replace(':', '').replace('-', '')[:15]}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path
