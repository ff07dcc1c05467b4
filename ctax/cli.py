"""The ``ctax`` command: run the broker, the stream processors, the web app, seeding and the demo."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Coroutine
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from ctax.settings import Settings, load_settings

UK = ZoneInfo("Europe/London")


def _settings() -> Settings:
    try:
        return load_settings()
    except Exception as error:  # pydantic's message names the variable that is wrong
        raise click.ClickException(f"configuration error: {error}") from error


T = TypeVar("T")


def _on_kafka(settings: Settings, work: Coroutine[Any, Any, T]) -> T:
    """Run ``work``; a broker that cannot be reached or refuses us is one line on stderr and exit 1."""
    from aiokafka.errors import KafkaError

    from ctax.kafka_admin.access import diagnose
    from ctax.running.components import kafka_connection

    client_log = logging.getLogger("aiokafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)  # its per-attempt errors would bury the one line that matters
    try:
        return asyncio.run(work)
    except (KafkaError, OSError) as error:
        cause = asyncio.run(diagnose(kafka_connection(settings).options(), wait_seconds=5))
        if cause is not None and not cause.retryable:  # a refused login or an untrusted certificate
            raise click.ClickException(f"cannot use Kafka: {cause}") from None
        raise _kafka_failure(settings, error) from None
    finally:
        client_log.setLevel(level)


def _kafka_failure(settings: Settings, error: Exception) -> click.ClickException:
    """One line saying which broker could not be used, where its address came from, and what to do."""
    from ctax.running.local_services import describe_origin

    origin = describe_origin("kafka_bootstrap")
    return click.ClickException(
        f"cannot use Kafka at {settings.kafka_bootstrap} ({origin}): {str(error) or type(error).__name__}. "
        "Start a broker with `ctax kafka start` (or `scripts/demo`), or set CTAX_KAFKA_BOOTSTRAP."
    )


def _client_options(settings: Settings) -> dict[str, Any]:
    """The aiokafka connection options (address, TLS, SASL) every Kafka-using command shares."""
    from ctax.running.components import kafka_connection

    return kafka_connection(settings).options()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Council-tax change-of-circumstance processor. Settings come from CTAX_* environment variables."""


@main.group()
def kafka() -> None:
    """A local single-node Apache Kafka broker (KRaft) for the demo and development; the ACLs for a real one."""


@kafka.command("start")
@click.option("--state-dir", type=click.Path(path_type=Path), default=Path("var/kafka"), show_default=True)
def kafka_start(state_dir: Path) -> None:
    """Fetch the broker (first time), start it in the background and print its bootstrap address.

    The address is also recorded in var/local-services.json, where the other `ctax` commands find it
    when CTAX_KAFKA_BOOTSTRAP is not set.
    """
    from ctax import local_kafka
    from ctax.running.local_services import export_lines, record_settings

    try:
        local_kafka.fetch_jars(on_download=lambda: click.echo(
            "downloading the Kafka broker from Maven Central (first run only)...", err=True))
        click.echo("starting Kafka...", err=True)
        status = local_kafka.start_detached(state_dir)
    except local_kafka.LocalKafkaError as error:
        raise click.ClickException(str(error)) from error
    assert status.bootstrap is not None
    recorded = {"kafka_bootstrap": status.bootstrap}
    where = record_settings(recorded, "ctax kafka start")
    if where is not None:
        click.echo(f"recorded in {where} for the other ctax commands; for other programs:", err=True)
    for line in export_lines(recorded):
        click.echo(f"    {line}", err=True)
    click.echo(status.bootstrap)


@kafka.command("stop")
@click.option("--state-dir", type=click.Path(path_type=Path), default=Path("var/kafka"), show_default=True)
def kafka_stop(state_dir: Path) -> None:
    """Stop the background broker started by `ctax kafka start`."""
    from ctax import local_kafka
    from ctax.running.local_services import forget_settings

    bootstrap = local_kafka.status_detached(state_dir).bootstrap
    stopped = local_kafka.stop_detached(state_dir)
    if bootstrap is not None:
        forget_settings({"kafka_bootstrap": bootstrap})
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


@kafka.command("acls")
@click.option("--worker-user", default="ctax-worker", show_default=True, help="The worker's SASL username.")
@click.option("--web-user", default="ctax-web", show_default=True, help="The web app's SASL username.")
@click.option("--apply", "apply_them", is_flag=True,
              help="Create them on the broker in CTAX_KAFKA_*, logged in as an administrator.")
def kafka_acls(worker_user: str, web_user: str, apply_them: bool) -> None:
    """Print the ACLs the worker and the web app need on a broker with an authorizer (with the topic prefix).

    With --apply they are created through the admin API; the settings' login must be allowed to alter the
    cluster's ACLs. Creating a rule that exists already changes nothing.
    """
    from ctax.kafka_admin.acls import describe, service_acls
    from ctax.local_kafka.acls import AclError, create_acls

    settings = _settings()
    acls = service_acls(worker_user, web_user, settings.topic_prefix)
    for acl in acls:
        click.echo(describe(acl))
    if apply_them:
        try:
            _on_kafka(settings, create_acls(_client_options(settings), acls))
        except AclError as error:
            raise click.ClickException(f"the broker refused ACLs: {error}") from error
        click.echo(f"created {len(acls)} ACLs on {settings.kafka_bootstrap}", err=True)


@main.group()
def deadletters() -> None:
    """Events a stage could not process: list, inspect and replay them after a fix."""


def _filters(function: Any) -> Any:
    function = click.option("--stage", help="Only those given up by this stage (validate, assess, apply)")(function)
    function = click.option("--reason", "reason", help="Only those whose reason contains this text")(function)
    return click.option("--source-topic", help="Only those taken from this topic")(function)


@deadletters.command("list")
@_filters
def deadletters_list(stage: str | None, reason: str | None, source_topic: str | None) -> None:
    """List dead letters (id, when, stage, reason); never their content."""
    from ctax.kafka_admin.dead_letters import read_dead_letters

    settings = _settings()
    letters = _on_kafka(settings, read_dead_letters(_client_options(settings), settings.topic_prefix))
    shown = [letter for letter in letters if letter.matches(stage=stage, reason=reason, source_topic=source_topic)]
    for letter in shown:
        summary = letter.summary()
        click.echo(f"{summary['id']:<10} {summary['at']}  {summary['stage']:<9} {summary['schema']:<22} "
                   f"{summary['reason']}")
    click.echo(f"{len(shown)} dead letter(s)", err=True)


@deadletters.command("show")
@click.argument("letter_id")
@click.option("--content", is_flag=True, help="Also print the decoded record (it may hold personal data)")
def deadletters_show(letter_id: str, content: bool) -> None:
    """Inspect one dead letter by its id (partition:offset, as `list` prints it)."""
    from ctax.kafka_admin.dead_letters import read_dead_letters

    settings = _settings()
    letters = {letter.id: letter for letter in _on_kafka(settings, read_dead_letters(_client_options(settings),
                                                                                      settings.topic_prefix))}
    if letter_id not in letters:
        raise click.ClickException(f"no dead letter {letter_id}")
    report: dict[str, Any] = letters[letter_id].summary()
    if content:
        report["content"] = letters[letter_id].content()
    click.echo(json.dumps(report, indent=2))


@deadletters.command("replay")
@click.argument("letter_ids", nargs=-1)
@click.option("--all", "replay_all", is_flag=True, help="Replay every dead letter that matches the filters")
@_filters
def deadletters_replay(letter_ids: tuple[str, ...], replay_all: bool, stage: str | None, reason: str | None,
                       source_topic: str | None) -> None:
    """Put dead letters back on the topic they came from (one or more ids, or --all matching filters)."""
    from ctax.kafka_admin.dead_letters import read_dead_letters, replay

    if not letter_ids and not replay_all:
        raise click.UsageError("name dead letter ids, or use --all (with filters) to replay every match")
    settings = _settings()
    letters = _on_kafka(settings, read_dead_letters(_client_options(settings), settings.topic_prefix))
    if letter_ids:
        wanted = set(letter_ids)
        chosen = [letter for letter in letters if letter.id in wanted]
        missing = wanted - {letter.id for letter in chosen}
        if missing:
            raise click.ClickException(f"no dead letter {', '.join(sorted(missing))}")
    else:
        chosen = [letter for letter in letters
                  if letter.matches(stage=stage, reason=reason, source_topic=source_topic)]
    count = _on_kafka(settings, replay(_client_options(settings), chosen, settings.topic_prefix))
    click.echo(f"replayed {count} dead letter(s)")


@main.command()
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="First day (UK) of the period whose applied notifications are replayed")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day (UK), inclusive")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every difference to this CSV file (for the revenues team)")
@click.option("--apply", "apply_corrections", is_flag=True,
              help="Send one officer-approved Rebill per account to correct through the normal pipeline")
@click.option("--officer-name", default="Revenues officer", show_default=True,
              help="With --apply: the officer approving the corrections (contact on the Rebill)")
@click.option("--officer-email", default=None, help="With --apply (required): the approving officer's email")
def replay(first: datetime, last: datetime, csv_path: Path | None, apply_corrections: bool, officer_name: str,
           officer_email: str | None) -> None:
    """Re-run the notifications applied in a period through the current rules and list what would change."""
    from ctax.replay.command import run_replay
    from ctax.replay.report import render_bill_check, render_csv, render_table
    from ctax.replay.rerun import Period
    from schemas.notification import Contact

    if last < first:
        raise click.UsageError("--to must be on or after --from")
    officer = None
    if apply_corrections:
        if not officer_email:
            raise click.UsageError("--apply needs --officer-email: the officer who approves the corrections")
        try:
            officer = Contact(full_name=officer_name, email=officer_email)
        except ValueError as error:
            raise click.UsageError(f"officer contact: {error}") from error
    now = datetime.now(UTC)
    outcome = asyncio.run(run_replay(_settings(), Period(first.date(), last.date()), officer=officer,
                                     today=now.astimezone(UK).date(), now=now))
    click.echo(render_table(outcome.result))
    click.echo("")
    click.echo(render_bill_check(outcome.bills))
    if csv_path is not None:
        csv_path.write_text(render_csv(outcome.result.accounts, outcome.bills.wrong), encoding="utf-8")
        click.echo(f"\nCSV: {csv_path}")
    if apply_corrections:
        click.echo("")
        for correction in outcome.sent:
            click.echo(f"sent Rebill {correction.notification.reference} for account {correction.account_ref} "
                       f"from {correction.from_date.isoformat()} (corrects {', '.join(correction.references)})")
        for correction in outcome.already_sent:
            click.echo(f"already sent Rebill {correction.notification.reference} for account "
                       f"{correction.account_ref}: nothing new")
        click.echo(f"{len(outcome.sent)} correction(s) sent, {len(outcome.already_sent)} sent before")


@main.command()
def worker() -> None:
    """Run the stream processors (validate, assess, apply, metrics) until stopped (SIGTERM/Ctrl-C)."""
    from aiokafka.errors import KafkaError

    from ctax.kafka_admin.access import KafkaAccessError
    from ctax.running.worker_runner import run_worker

    settings = _settings()
    try:
        run_worker(settings)
    except KafkaAccessError as error:  # a refused login or untrusted certificate: no retrying
        raise click.ClickException(f"cannot use Kafka: {error}") from None
    except KafkaError as error:  # the topics could not be checked: the broker is down or refused us
        raise _kafka_failure(settings, error) from None


@main.command()
@click.option("--host", default=None, help="Interface to listen on [default: CTAX_WEB_HOST or 127.0.0.1]")
@click.option("--port", type=int, default=None, help="Port [default: CTAX_WEB_PORT or 8000]")
def web(host: str | None, port: int | None) -> None:
    """Run the web app: resident pages, the intake API, the staff workspace and the ops dashboard.

    \b
    /                 residents tell the council they are moving; /status follows a notification
    /api/v1           the JSON intake API (interactive docs at /docs)
    /sign-in          staff and ops sign in for the workspace (/staff) and the dashboard (/ops)
    Prometheus metrics have their own listener (CTAX_WEB_METRICS_HOST/PORT, default 127.0.0.1:9101).
    """
    from ctax.kafka_admin.access import KafkaAccessError
    from ctax.running.web_runner import run_web

    settings = _settings()
    try:
        run_web(settings, host or settings.web_host, port or settings.web_port)
    except KafkaAccessError as error:
        raise click.ClickException(f"cannot use Kafka: {error}") from None


@main.command()
@click.option("--properties", type=int, default=2000, show_default=True, help="How many dwellings")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed (same seed, same register)")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date the register is as at")
def seed(properties: int, seed: int, as_of: object) -> None:
    """Load a synthetic property register with open accounts into the revenues database (once)."""
    from ctax.seeding.revenues_register import seed_register

    settings = _settings()
    day = as_of.date() if hasattr(as_of, "date") else date.today()  # noqa: DTZ011 - the council's local day
    loaded = seed_register(settings, properties=properties, seed=seed, as_of=day)
    if loaded is None:
        click.echo("the revenues database already holds a register; nothing loaded")
    else:
        click.echo(f"loaded {loaded[0]} properties and {loaded[1]} open accounts into {settings.revenues_database_url}")


@main.command()
@click.option("--account", "account_ref", required=True, help="The account reference")
@click.option("--amount", required=True, help="In pounds, e.g. 123.45")
@click.option("--paid-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day it was paid (default today)")
@click.option("--year", "financial_year", type=int, default=None,
              help="The financial year it pays towards, by its first calendar year (default the year it was paid in)")
def pay(account_ref: str, amount: str, paid_on: datetime | None, financial_year: int | None) -> None:
    """Post a payment to an account of the revenues database (the SQL style), as the cash office would."""
    from ctax.admin.payments import post_revenues_payment
    from ctax.running.components import revenues_system

    revenues = revenues_system(_settings())
    day = paid_on.date() if paid_on else date.today()  # noqa: DTZ011 - the council's day
    try:
        click.echo(post_revenues_payment(revenues, account_ref, amount, day, financial_year))
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    finally:
        revenues.dispose()


@main.command()
@click.option("--count", type=int, default=50, show_default=True, help="How many notifications")
@click.option("--url", default=None, help="Base URL of the web app [default: from CTAX_WEB_HOST/PORT]")
@click.option("--seed", type=int, default=7, show_default=True)
def submit(count: int, url: str | None, seed: int) -> None:
    """Send realistic sample notifications (mostly valid, some to reject or review) to the intake API."""
    from ctax.demo.sample_runner import submit_sample_traffic

    settings = _settings()
    report = asyncio.run(submit_sample_traffic(settings, count, url, seed))
    click.echo(f"accepted {len(report.accepted)}; refused {dict(report.refused) or 0}")


@main.command()
@click.option("--backlog", type=int, default=100_000, show_default=True,
              help="Pre-loaded notifications the transport ceiling and our pipeline drain")
@click.option("--naive-backlog", type=int, default=5_000, show_default=True,
              help="Pre-loaded notifications the naive baseline drains (it is slow)")
@click.option("--latency-rate", type=float, default=200.0, show_default=True, help="Offered load, notifications/s")
@click.option("--latency-seconds", type=float, default=20.0, show_default=True)
@click.option("--database", type=click.Choice(["sqlite", "postgresql"]), default="postgresql", show_default=True)
@click.option("--postgres-url", default=None,
              help="Server for --database postgresql "
                   "[default: CTAX_REVENUES_DATABASE_URL if PostgreSQL, else the local one]")
@click.option("--scale-workers", type=int, default=2, show_default=True, help="Workers for the scale-out run (1: skip)")
@click.option("--intake-seconds", type=float, default=10.0, show_default=True)
@click.option("--soap-latency-ms", type=float, default=100.0, show_default=True,
              help="Per-call latency of the simulated SOAP back office for the SOAP row (0: skip the row)")
@click.option("--soap-backlog", type=int, default=3_000, show_default=True, help="Notifications the SOAP row drains")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("var/bench"), show_default=True)
@click.option("--profile/--no-profile", default=False, show_default=True,
              help="Drain the backlog once more with one worker under py-spy and print its CPU split by stage")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="The workers' CTAX_BATCH_SIZE  [default: the setting's default]")
def bench(backlog: int, naive_backlog: int, latency_rate: float, latency_seconds: float, database: str,
          postgres_url: str | None, scale_workers: int, intake_seconds: float, soap_latency_ms: float,
          soap_backlog: int, output_dir: Path, profile: bool, batch_size: int | None) -> None:
    """Measure throughput and latency: ours beside the transport ceiling, bare Faust agents and a naive baseline."""
    from ctax.benchmark.report import render_table, write_json
    from ctax.benchmark.runner import BenchConfig, run_bench

    server = None
    if database == "postgresql":
        configured = _settings().revenues_database_url
        server = postgres_url or (configured if configured.startswith("postgresql") else
                                  "postgresql://ctax:ctax@127.0.0.1:5432/ctax")
    config = BenchConfig(backlog=backlog, naive_backlog=naive_backlog, latency_rate=latency_rate,
                         latency_seconds=latency_seconds, postgres_url=server, scale_workers=scale_workers,
                         intake_seconds=intake_seconds, soap_latency_ms=soap_latency_ms, soap_backlog=soap_backlog,
                         output_dir=output_dir, profile=profile,
                         **({} if batch_size is None else {"batch_size": batch_size}))
    started = time.monotonic()
    interactive = sys.stderr.isatty()
    last = [0.0]

    def progress(message: str) -> None:
        now = time.monotonic()
        if interactive:
            sys.stderr.write(f"\r\x1b[K[{now - started:6.0f}s] {message}")
            sys.stderr.flush()
        elif now - last[0] > 5 or not message[:1].startswith("["):
            sys.stderr.write(f"[{now - started:6.0f}s] {message}\n")
            last[0] = now

    result = run_bench(config, progress)
    if interactive:
        sys.stderr.write("\n")
    path = write_json(result, output_dir)
    click.echo(render_table(result))
    click.echo(f"\nJSON: {path}")


@main.command()
@click.option("--count", type=int, default=60, show_default=True, help="Sample notifications to send")
@click.option("--keep-running/--exit", default=True, show_default=True,
              help="Keep the demo up after the sample traffic (Ctrl-C to stop)")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--adapter", type=click.Choice(["sql", "soap", "files"]), default="sql", show_default=True,
              help="How the worker reaches the revenues system: its SQL database, or the simulated back office "
                   "through web services (soap) or import files (files)")
def demo(count: int, keep_running: bool, port: int, adapter: str) -> None:
    """Run everything on embedded defaults: broker, worker, web, seeded register and sample traffic."""
    from ctax.demo.stack import run_demo

    sys.exit(run_demo(count=count, keep_running=keep_running, port=port, adapter=adapter))


@main.group()
def users() -> None:
    """Staff and ops users who sign in to the web app (kept in CTAX_WEB_DATABASE_URL)."""


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True))


@users.command("add")
@click.argument("username")
@click.option("--name", required=True, help="Full name, shown on audit records of their decisions")
@click.option("--role", type=click.Choice(["staff", "ops", "admin", "landlord"]), default="staff", show_default=True,
              help="staff: revenues workspace and review; ops: dashboard; landlord: upload tenancy changes; "
                   "admin: all")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (no prompt)")
def users_add(username: str, name: str, role: str, password_stdin: bool) -> None:
    """Add a user who signs in with a password (stored as an Argon2 hash)."""
    from ctax.admin.users import open_user_store
    from web.staff_accounts.accounts import InvalidUsernameError, Role, UserExistsError
    from web.staff_accounts.passwords import WeakPasswordError

    store = open_user_store(_settings())
    try:
        user = store.add(username, name, Role(role), _new_password(password_stdin))
    except (WeakPasswordError, InvalidUsernameError) as error:
        raise click.ClickException(str(error)) from error
    except UserExistsError:
        raise click.ClickException(f"there is already a user called {username}") from None
    click.echo(f"added {user.username} ({user.role.value})")


@users.command("list")
def users_list() -> None:
    """List users: username, role and name (never passwords)."""
    from ctax.admin.users import open_user_store

    for user in open_user_store(_settings()).users():
        click.echo(f"{user.username:<20} {user.role.value:<8} {user.display_name}")


@users.command("hash")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (no prompt)")
def users_hash(password_stdin: bool) -> None:
    """Print the Argon2 hash of a password, for a user in CTAX_STAFF_USERS."""
    from web.staff_accounts.passwords import WeakPasswordError, hash_password

    try:
        click.echo(hash_password(_new_password(password_stdin)))
    except WeakPasswordError as error:
        raise click.ClickException(str(error)) from error


@main.group()
def retention() -> None:
    """Storage limitation: delete records past their retention period (README "Retention")."""


@retention.command("run")
def retention_run() -> None:
    """Delete expired records from the web store now, and say how many went from each store."""
    from ctax.admin.retention import run_retention

    for store, count in run_retention(_settings()).items():
        click.echo(f"{store:<50} {count} deleted")


@main.command("bank-details-key")
def bank_details_key() -> None:
    """Print a new key for CTAX_BANK_DETAILS_KEYS (put it first; keep older keys after it until their sealed
    bank details are purged)."""
    from schemas.bank_details import new_key

    click.echo(new_key())


@main.group()
def legacy() -> None:
    """The simulated legacy revenues back office (its own process, database and rules) for tests and demos."""


@legacy.command("serve")
@click.option("--style", type=click.Choice(["soap", "files"]), required=True,
              help="soap: a SOAP web service per adapters/soap/revenues.wsdl; files: an import job on an inbox")
@click.option("--database", type=click.Path(path_type=Path), default=Path("var/legacy/revenues.db"),
              show_default=True, help="The back office's own SQLite database")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8085, show_default=True, help="SOAP style: the port (0: any free port)")
@click.option("--inbox", type=click.Path(path_type=Path), default=Path("var/legacy/inbox"), show_default=True,
              help="Files style: where import files arrive")
@click.option("--results", type=click.Path(path_type=Path), default=Path("var/legacy/results"),
              show_default=True, help="Files style: where results files are written")
@click.option("--poll-seconds", type=float, default=0.2, show_default=True, help="Files style: inbox poll interval")
@click.option("--latency-ms", type=float, default=0.0, show_default=True, help="Mean delay per call or file")
@click.option("--record-latency-ms", type=float, default=0.0, show_default=True,
              help="Files style: the import job's time per change record")
@click.option("--error-rate", type=float, default=0.0, show_default=True,
              help="Share of calls failing with a server fault (files: of import runs skipped)")
@click.option("--timeout-after-commit-rate", type=float, default=0.0, show_default=True,
              help="SOAP: share of writes that commit and then stall past the caller's timeout")
@click.option("--stall-seconds", type=float, default=30.0, show_default=True, help="How long such a write stalls")
@click.option("--maintenance-flag", type=click.Path(path_type=Path), default=None,
              help="While this file exists the back office is in its maintenance window")
@click.option("--stall-flag", type=click.Path(path_type=Path), default=None,
              help="SOAP: while this file exists every write commits and then stalls")
@click.option("--seed", "random_seed", type=int, default=None, help="Seed of the misbehaviour (repeatable runs)")
def legacy_serve(style: str, database: Path, host: str, port: int, inbox: Path, results: Path, poll_seconds: float,
                 latency_ms: float, record_latency_ms: float, error_rate: float, timeout_after_commit_rate: float,
                 stall_seconds: float, maintenance_flag: Path | None, stall_flag: Path | None,
                 random_seed: int | None) -> None:
    """Run the simulated back office until stopped; the first line printed says where it listens."""
    from legacy.behaviour import Behaviour
    from legacy.serve import serve_files_style, serve_soap_style

    behaviour = Behaviour(latency_ms=latency_ms, record_latency_ms=record_latency_ms, error_rate=error_rate,
                          timeout_after_commit_rate=timeout_after_commit_rate, stall_seconds=stall_seconds,
                          maintenance_flag=maintenance_flag, stall_flag=stall_flag, seed=random_seed)
    if style == "soap":
        serve_soap_style(database, behaviour, host, port)
    else:
        serve_files_style(database, behaviour, inbox, results, poll_seconds)


@legacy.command("seed")
@click.option("--database", type=click.Path(path_type=Path), default=Path("var/legacy/revenues.db"),
              show_default=True, help="The back office's own SQLite database")
@click.option("--properties", type=int, default=2000, show_default=True, help="How many dwellings")
@click.option("--seed", "random_seed", type=int, default=2026, show_default=True,
              help="Random seed (the same as `ctax seed` gives the same register)")
def legacy_seed(database: Path, properties: int, random_seed: int) -> None:
    """Load the synthetic property register with open accounts into the simulated back office (once)."""
    from ctax.running.components import council_rules
    from ctax.seeding.back_office_register import seed_back_office_register

    loaded = seed_back_office_register(database, council_rules(_settings()), properties=properties,
                                       seed=random_seed, as_of=date.today())  # noqa: DTZ011 - the council's day
    if loaded is None:
        click.echo("the back office already holds a register; nothing loaded")
    else:
        click.echo(f"loaded {loaded[0]} properties and {loaded[1]} open accounts into {database}")


@legacy.command("pay")
@click.option("--database", type=click.Path(path_type=Path), default=Path("var/legacy/revenues.db"),
              show_default=True, help="The back office's own SQLite database")
@click.option("--account", "account_no", required=True, help="The back office's account number")
@click.option("--amount", required=True, help="In pounds, e.g. 123.45")
@click.option("--paid-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day it was paid (default today)")
@click.option("--year", "financial_year", type=int, default=None,
              help="The financial year it pays towards, by its first calendar year (default the year it was paid in)")
def legacy_pay(database: Path, account_no: str, amount: str, paid_on: datetime | None,
               financial_year: int | None) -> None:
    """Post a payment to an account of the simulated back office, as its cash office would."""
    from ctax.admin.payments import post_payment

    day = paid_on.date() if paid_on else date.today()  # noqa: DTZ011 - the council's day
    try:
        posted = post_payment(database, account_no, amount, day, financial_year)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    click.echo(posted)


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="List every contract test as it runs")
def conformance(verbose: bool) -> None:
    """Check the revenues adapter that CTAX_REVENUES_ADAPTER selects against the contract suite.

    Prints a report by capability: read the register, open an account, end a liability, discounts,
    instalments, audit notes, idempotency after a crash, refusal reasons, outages, chains (an ending completed
    or brought back), amendments (discounts, people, names from a date), payment arrangements kept. sql runs
    against a fresh database per test (PostgreSQL on the server CTAX_TEST_POSTGRES_URL names, else SQLite);
    soap and files against the simulated back office (`ctax legacy serve`), started per test in a temporary
    folder with the adapter's timeouts from the settings. Exit status 0 when nothing failed.
    """
    from ctax.admin.conformance import ConformanceKitMissingError, run_conformance

    try:
        sys.exit(run_conformance(verbose))
    except ConformanceKitMissingError as error:
        raise click.ClickException(str(error)) from error
