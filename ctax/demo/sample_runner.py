"""`ctax submit`: pick sample notifications from the register and post them to the intake API."""

from __future__ import annotations

import sys
from datetime import date

from ctax.demo.sample_traffic import SubmitReport, build_sample, submit_samples
from ctax.running.components import revenues_system
from ctax.settings import Settings


async def submit_sample_traffic(settings: Settings, count: int, url: str | None, seed: int) -> SubmitReport:
    revenues = revenues_system(settings)
    try:
        register = revenues.register_with_occupancy()
    finally:
        revenues.dispose()
    if not register:
        raise SystemExit("the property register is empty: run `ctax seed` first")
    samples = build_sample(register, count, today=date.today(), seed=seed)  # noqa: DTZ011
    base = url or f"http://{settings.web_host}:{settings.web_port}"
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        sys.stderr.write(f"\rsubmitted {done}/{count}")
        if done == count:
            sys.stderr.write("\n")

    return await submit_samples(base, samples, on_progress=progress)
