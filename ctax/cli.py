"""The ``ctax`` command: run the broker, the stream processors, the web app, seeding and the demo."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path

import click

from ctax.settings import Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except Exception as error:  # pydantic's message names the variable that is wrong
        raise click.ClickException(f"configuration error: {error}") from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Council-tax change-of-circumstance processor. Settings come from CTAX_* environment variables."""


@main.group()
def kafka() -> None:
    """A local single-node Apache Kafka broker (KRaft) for the demo and development."""


@kafka.command("start")
@click.option("--state-dir", type=click.Path(path_type=Path), default=Path("var/kafka"), show_default=True)
def kafka_start(state_dir: Path) -> None:
    """Fetch the broker (first time), start it in the background and print its bootstrap address."""
    from ctax import local_kafka

    try:
        click.echo("starting Kafka (the first start downloads the broker from Maven Central)...", err=True)
        status = local_kafka.start_detached(state_dir)
    except local_kafka.LocalKafkaError as error:
        raise click.ClickException(str(error)) from error
    click.echo(status.bootstrap)


@kafka.command("stop")
@click.option("--state-dir", type=click.Path(path_type=Path), default=Path("var/kafka"), show_default=True)
def kafka_stop(state_dir: Path) -> None:
    """Stop the background broker started by `ctax kafka start`."""
    from ctax import local_kafka

    stopped = local_kafka.stop_detached(state_dir)
    click.echo("stopped" if stopped else "not running")


@kafka.command("status")
@click.option("--state-dir", type=click.Path(path_type=Path), default=Path("var/kafka"), show_default=True)
def kafka_status(state_dir: Path) -> None:
    """Say whether the background broker is running, and where."""
    from ctax import local_kafka

    status = local_kafka.status_detached(state_dir)
    if status is None or not status.running:
        click.echo("not running")
        sys.exit(1)
    click.echo(f"running at {status.bootstrap} (pid {status.pid})")


@main.command()
def worker() -> None:
    """Run the stream processors (validate, assess, apply, metrics) until stopped (SIGTERM/Ctrl-C)."""
    from ctax.worker_runner import run_worker

    run_worker(_settings())


@main.command()
@click.option("--host", default=None, help="Interface to listen on [default: CTAX_WEB_HOST or 127.0.0.1]")
@click.option("--port", type=int, default=None, help="Port [default: CTAX_WEB_PORT or 8000]")
def web(host: str | None, port: int | None) -> None:
    """Run the web app: the intake API (and, later, the pages)."""
    from ctax.web_runner import run_web

    settings = _settings()
    run_web(settings, host or settings.web_host, port or settings.web_port)


@main.command()
@click.option("--properties", type=int, default=2000, show_default=True, help="How many dwellings")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed (same seed, same register)")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date the register is as at")
def seed(properties: int, seed: int, as_of: object) -> None:
    """Load a synthetic property register with open accounts into the revenues database (once)."""
    from ctax.seeding import seed_register

    settings = _settings()
    day = as_of.date() if hasattr(as_of, "date") else date.today()  # noqa: DTZ011 - the council's local day
    loaded = seed_register(settings, properties=properties, seed=seed, as_of=day)
    if loaded is None:
        click.echo("the revenues database already holds a register; nothing loaded")
    else:
        click.echo(f"loaded {loaded[0]} properties and {loaded[1]} open accounts into {settings.database_url}")


@main.command()
@click.option("--count", type=int, default=50, show_default=True, help="How many notifications")
@click.option("--url", default=None, help="Base URL of the web app [default: from CTAX_WEB_HOST/PORT]")
@click.option("--seed", type=int, default=7, show_default=True)
def submit(count: int, url: str | None, seed: int) -> None:
    """Send realistic sample notifications (mostly valid, some to reject or review) to the intake API."""
    from ctax.sample_runner import submit_sample_traffic

    settings = _settings()
    report = asyncio.run(submit_sample_traffic(settings, count, url, seed))
    click.echo(f"accepted {len(report.accepted)}; refused {dict(report.refused) or 0}")


@main.command()
@click.option("--count", type=int, default=60, show_default=True, help="Sample notifications to send")
@click.option("--keep-running/--exit", default=True, show_default=True,
              help="Keep the demo up after the sample traffic (Ctrl-C to stop)")
@click.option("--port", type=int, default=8000, show_default=True)
def demo(count: int, keep_running: bool, port: int) -> None:
    """Run everything on embedded defaults: broker, worker, web, seeded register and sample traffic."""
    from ctax.demo import run_demo

    sys.exit(run_demo(count=count, keep_running=keep_running, port=port))
