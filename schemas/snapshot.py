"""Keep the current version of each changed event schema as the next ``history/<name>/vN.avsc``.

Run ``python -m schemas.snapshot`` after changing a contract; the compatibility test then proves the new
version still reads every older one.
"""

from __future__ import annotations

import json

from schemas.contracts import EVENT_SCHEMAS, HISTORY_DIR, canonical_form, expanded_schema, full_name, history


def snapshot() -> list[str]:
    written = []
    for name in EVENT_SCHEMAS:
        current = expanded_schema(name)
        versions = history(name)
        if versions and canonical_form(versions[-1][1]) == canonical_form(current):
            continue
        number = versions[-1][0] + 1 if versions else 1
        folder = HISTORY_DIR / full_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"v{number}.avsc"
        path.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
        written.append(str(path))
    return written


if __name__ == "__main__":
    for line in snapshot() or ["every schema is already kept"]:
        print(line)  # noqa: T201
