"""Tests run a job the way the ``summarise`` command does, minus flag parsing."""

from __future__ import annotations

from pathlib import Path


def run_files(settings, src: Path, out: Path | None, executor, reporter=None,
              **options) -> int:
    """``src`` summarised with ``settings`` on ``executor`` into ``out`` (JSON): the exit
    code. ``options``: ``resolve_job``'s (``strict``, ``doc_timeout``)."""
    from summarise.job import open_writer, resolve_job, run_job

    spec = resolve_job(settings, [src], out=out, **options)
    return run_job(spec, executor, open_writer(spec, executor, "json"), reporter)
