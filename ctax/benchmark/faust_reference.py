"""What Faust itself costs: a bare agent with the worker's consumer settings, as the benchmark's reference rows.

Run as ``python -m ctax.benchmark.faust_reference MODE BOOTSTRAP SOURCE TARGET APP_ID PARTITIONS``:

- ``forward``: one agent, one event at a time, sends each record's bytes on to TARGET unchanged;
- ``decode-validate-encode``: the same, but each value is read as a ChangeNotification (Avro, then the
  pydantic model) and written back as Avro, the per-event work a naive stream processor does.

Both keep the key (the notification id) and the record's timestamp, so the benchmark reads TARGET exactly as
it reads the relay's output. The app is ``processors.app.faust_app``: the worker's own Faust settings, and
the process gets the worker's garbage-collector settings (ctax/running/garbage_collection.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import faust

from ctax.running.garbage_collection import tune_for_service
from ctax.settings import Settings
from processors.app import ProcessorConfig, faust_app, raw_topic
from schemas.codec import shared_codec
from schemas.notification import ChangeNotification

MODES = ("forward", "decode-validate-encode")


def _forward(value: bytes) -> bytes:
    return value


def _decode_validate_encode(value: bytes) -> bytes:
    codec = shared_codec()
    return codec.encode(codec.decode(value, ChangeNotification))


TRANSFORMS: dict[str, Callable[[bytes], bytes]] = {
    "forward": _forward, "decode-validate-encode": _decode_validate_encode}


def build_reference_app(mode: str, bootstrap: str, source: str, target: str, app_id: str,
                        partitions: int) -> faust.App:
    """A Faust app with one agent copying SOURCE to TARGET through the mode's transform."""
    transform = TRANSFORMS[mode]
    settings = Settings(_env_file=None)  # the batch figures are unused here, but ProcessorConfig holds no defaults
    app = faust_app(ProcessorConfig(bootstrap=bootstrap, app_id=app_id, partitions=partitions,
                                    batch_size=settings.batch_size, publish_assessed=settings.publish_assessed))
    source_topic = raw_topic(app, source, partitions)
    target_topic = raw_topic(app, target, partitions)

    async def run(stream: Any) -> None:
        async for event in stream.events():
            await target_topic.send(key=event.key, value=transform(event.value),
                                    timestamp=event.message.timestamp)

    run.__qualname__ = f"reference.{mode}"
    app.agent(source_topic, name=f"reference-{mode}", concurrency=1)(run)
    return app


def main(argv: list[str]) -> None:
    mode, bootstrap, source, target, app_id, partitions = argv
    app = build_reference_app(mode, bootstrap, source, target, app_id, int(partitions))
    worker = faust.Worker(app, loglevel="WARNING", quiet=True, redirect_stdouts=False, override_logging=False)
    tune_for_service()  # the worker's process settings too, so the comparison is of the work alone
    worker.execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1:7])
