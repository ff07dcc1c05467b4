"""What the benchmark ran on, printed with every result."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from ctax.local_kafka import KAFKA_VERSION

PACKAGES = ("faust-streaming", "aiokafka", "fastavro", "pydantic", "sqlalchemy", "psycopg", "fastapi", "uvicorn")


def describe_machine(database: str) -> dict[str, Any]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory_gb = round(kb / 1024 / 1024, 1)
    return {
        "cores": os.cpu_count(), "cpu": model, "memory_gb": memory_gb, "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(), "kafka": f"Apache Kafka {KAFKA_VERSION} (single node, KRaft)",
        "database": database, "packages": {name: _version(name) for name in PACKAGES},
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
