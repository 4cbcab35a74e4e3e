"""Eval runs that several test files share: lead-K baselines on the English news slice,
run through the real command line (in-process) and written to disk with every report."""

from __future__ import annotations

from pathlib import Path

EN_NEWS = Path(__file__).parent / "data" / "eval" / "en-news.slice.jsonl"
LENGTHS = {"one": ("short",), "two": ("short", "long")}


def invoke(*args: object) -> None:
    """``summarise ARGS``; fails the test with the command's output when it fails."""
    from summarise.app import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def lead_runs_at_lengths(root: Path, systems: tuple[str, ...], *options: object
                         ) -> dict[str, Path]:
    """``{"lead-3/one": folder, "lead-3/two": ...}``: each system at one length (short)
    and at two (short and long)."""
    runs = {}
    for system in systems:
        for name, lengths in LENGTHS.items():
            runs[f"{system}/{name}"] = root / f"{system}-{name}"
            flags = [flag for length in lengths for flag in ("--length", length)]
            invoke("eval", EN_NEWS, "--system", system, *flags, *options, "--out",
                   runs[f"{system}/{name}"])
    return runs


def lead_reports(root: Path, *options: object) -> dict[str, Path]:
    """lead-3 and lead-1 evaluated (with ``options``) and compared: their folders."""
    for system in ("lead-3", "lead-1"):
        invoke("eval", EN_NEWS, "--system", system, "--out", root / system,
               "--bootstrap", "100", *options)
    invoke("compare", root / "lead-3", root / "lead-1", "--out", root / "compare",
           "--trials", "200")
    return {"lead-3": root / "lead-3", "lead-1": root / "lead-1", "compare": root / "compare"}
