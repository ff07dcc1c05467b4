"""Over SOAP the fused pipeline lets a batch fill longer: each batch makes look-ups one after another."""

from __future__ import annotations

from ctax.settings import Settings


def test_the_soap_adapter_lets_batches_fill_for_its_own_wait() -> None:
    settings = Settings(_env_file=None, revenues_adapter="soap", batch_wait_ms=5, soap_batch_wait_ms=120)
    assert settings.batch_wait_seconds() == 0.12


def test_the_other_adapters_keep_the_pipeline_wait() -> None:
    for adapter in ("sql", "files"):
        settings = Settings(_env_file=None, revenues_adapter=adapter, batch_wait_ms=7, soap_batch_wait_ms=120)
        assert settings.batch_wait_seconds() == 0.007
