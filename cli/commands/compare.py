"""``summarise compare RUN_A RUN_B [...]``: paired significance tests between eval runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..console import current_reporter
from ..errors import UsageError

HELP = """\
Compare evaluation runs: per metric both means, the difference and its p-value.

RUN is an --out folder of `summarise eval` (or its scores.json). Summaries are
paired by document id, language and length; each run after the first is compared
with the first. Runs over different datasets or with different metric signatures
(any score-relevant setting or version) are refused; --force compares them anyway.

\b
  summarise compare runs/lead3 runs/mt5
  summarise compare runs/lead3 runs/lead1 --out runs/lead3-vs-lead1
  summarise compare runs/a runs/b --format json > comparison.json

The p-value is two-sided, from approximate randomisation (default) or a paired
bootstrap (--test bootstrap); the 95% CI of the difference is a paired bootstrap.
Both resample documents: a document's summaries at every length move together.
Corpus chrF++ and BLEU get sacreBLEU's own paired test per language/length (the
p-value `sacrebleu --paired-ar` / `--paired-bs` prints; Holm-corrected as well when
there are several); the document means are kept, labelled doc-mean.
--out DIR writes comparison.json, comparison.md, report.html (differences with CIs,
a per-document scatter, the documents that differ most, every document side by side)
and comparison.png.
"""
FORMATS = ("table", "json", "markdown")


def compare_command(
    runs: Annotated[list[Path], typer.Argument(
        help="Run folders of `summarise eval --out`.", metavar="RUN", show_default=False)],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Write comparison.json, comparison.md, report.html "
        "and comparison.png here.",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="FORMAT", help="stdout as table, json or markdown.")
    ] = "table",
    test: Annotated[str, typer.Option(
        "--test", metavar="TEST", help="ar (approximate randomisation) or bootstrap.")] = "ar",
    trials: Annotated[int, typer.Option(
        "--trials", metavar="N", min=1, help="Approximate-randomisation trials (document "
        "means, and sacreBLEU's corpus test: its --paired-ar-n).")] = 10000,
    resamples: Annotated[int, typer.Option(
        "--bootstrap", metavar="N", min=1, help="Bootstrap resamples (CI of the difference "
        "and --test bootstrap; sacreBLEU's --paired-bs-n).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Random seed (also "
        "sacreBLEU's, as SACREBLEU_SEED).")] = 12345,
    all_metrics: Annotated[bool, typer.Option(
        "--all-metrics", help="Show every metric, not just the headline ones.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Compare runs whose score-relevant signatures differ (a stemmer "
        "or tool version, say); the differences are printed and recorded.")] = False,
) -> None:
    _compare(current_reporter(), runs, out, fmt, test, trials, resamples, seed, all_metrics,
             force)


def _compare(reporter, runs, out, fmt, test, trials, resamples, seed, all_metrics,
             force) -> None:
    from ..eval.aggregate import Bootstrap
    from ..eval.compare import compare_runs, print_table, render_markdown, write_report

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    comparison = compare_runs(runs, test, trials, Bootstrap(resamples=resamples, seed=seed),
                              force)
    for difference in comparison["signature_differences"]:
        reporter.warn(f"--force: signatures differ, {difference}")
    for pair in comparison["comparisons"]:
        if pair["corpus"].get("skipped"):
            reporter.warn(f"{pair['b']['path']}: corpus chrF++/BLEU not tested, "
                          f"{pair['corpus']['skipped']}")
        if pair["only_in_a"] or pair["only_in_b"]:
            reporter.warn(f"{pair['a']['path']} and {pair['b']['path']}: only the "
                          f"{pair['paired_summaries']} summaries in both "
                          f"({pair['paired_documents']} documents) are compared "
                          f"({pair['only_in_a']} only in the first, {pair['only_in_b']} only "
                          "in the second)")
    if fmt == "json":
        print(json.dumps(comparison, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        print(render_markdown(comparison, all_metrics))
    else:
        print_table(comparison, all_metrics)
    if out is not None:
        paths = write_report(comparison, out, all_metrics)
        reporter.info(f"wrote {', '.join(p.name for p in paths)} to {out}")
