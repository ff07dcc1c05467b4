"""Puts import files where the back office collects them, atomically, and finds its results files."""

from __future__ import annotations

import os
from pathlib import Path

TEMPORARY_SUFFIX = ".part"  # the back office only takes files with their final .csv name


RESULTS_SUFFIX = ".results.csv"


def results_name(file_name: str) -> str:
    return f"{Path(file_name).stem}{RESULTS_SUFFIX}"


class Outbox:
    """``folder``: where import files go (the back office's inbox); ``results``: where its answers appear."""

    def __init__(self, folder: Path, results: Path) -> None:
        self.folder, self.results = folder, results
        folder.mkdir(parents=True, exist_ok=True)

    def deliver(self, name: str, content: str) -> None:
        """Write under a temporary name, fsync, rename into place, fsync the folder: whole or not at all."""
        final = self.folder / name
        temporary = final.with_name(name + TEMPORARY_SUFFIX)
        with temporary.open("w", encoding="utf-8", newline="") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(final)
        folder = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    def reached_back_office(self, name: str) -> bool:
        """Still waiting in the inbox, or already answered (the back office archives a file once answered)."""
        return (self.folder / name).exists() or (self.results / results_name(name)).exists()

    def results_text(self, name: str) -> str | None:
        path = self.results / results_name(name)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def answered_names(self) -> set[str]:
        """The import file names the results folder holds answers for."""
        return {path.name.removesuffix(RESULTS_SUFFIX) + ".csv" for path in self.results.glob(f"*{RESULTS_SUFFIX}")}
