"""Comparing evaluation runs: which system is better, and is the difference significant?

Runs are ``--out`` folders of ``summarise eval`` (or their ``scores.json``).  Summaries
are paired by document id, language and length; every run after the first is compared
with the first.  Runs over different datasets, or scored with different metric
signatures, are refused: their numbers are not comparable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .aggregate import DEFAULT_BOOTSTRAP, Bootstrap
from .report import HEADLINE
from .significance import TESTS, TRIALS, compare_scores


@dataclass
class Run:
    path: Path
    data: dict

    @property
    def name(self) -> str:
        return self.data.get("system", {}).get("name", self.path.name)

    def units(self) -> dict[tuple[str, str, str], dict[str, float]]:
        return {(d["id"], d["lang"], d["length"]): d["scores"] for d in self.data["documents"]}


def load_run(path: Path) -> Run:
    """A run folder (or its scores.json); a ``UsageError`` says what is missing."""
    file = path / "scores.json" if path.is_dir() else path
    if not file.is_file():
        raise UsageError(f"{path}: no scores.json here; pass the --out folder of "
                         "`summarise eval`")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: not a valid scores.json ({exc})") from None
    for key in ("signature", "dataset", "documents", "metrics"):
        if key not in data:
            raise UsageError(f"{file}: not a scores.json of summarise eval (no {key!r})")
    return Run(path, data)


# Signature fields that do not change per-document scores: runs may differ in them.
_PER_RUN = ("ci",)


def check_comparable(runs: list[Run], force: bool = False) -> list[str]:
    """Refuse runs whose numbers cannot be compared, saying exactly what differs.

    Everything in the signature must match except the bootstrap settings of each run's
    own intervals, which do not touch the per-document scores compared here.  With
    ``force`` differing signatures are allowed and the differences returned (a dataset
    mismatch is never allowed: documents would not pair).
    """
    first = runs[0]
    differences: list[str] = []
    for run in runs[1:]:
        a, b = first.data["dataset"], run.data["dataset"]
        if a.get("sha256") != b.get("sha256"):
            raise UsageError(
                f"{first.path} and {run.path} were scored on different datasets "
                f"({a.get('path')} sha256 {str(a.get('sha256'))[:12]}… vs {b.get('path')} "
                f"sha256 {str(b.get('sha256'))[:12]}…); compare runs over the same file")
        fields_a = first.data.get("settings", {})
        fields_b = run.data.get("settings", {})
        differ = [k for k in dict.fromkeys([*fields_a, *fields_b])
                  if k not in _PER_RUN and fields_a.get(k) != fields_b.get(k)]
        if not fields_a and first.data["signature"] != run.data["signature"]:
            differ = ["signature"]
        named = [f"{k}: {fields_a.get(k, '(none)')} vs {fields_b.get(k, '(none)')}"
                 for k in differ]
        differences += [f"{run.path}: {n}" for n in named]
        if named and not force:
            raise UsageError(
                f"{first.path} and {run.path} were scored with different metric signatures "
                f"(differ in {'; '.join(named)}); re-run `summarise eval` with the same "
                "settings and versions, or pass --force to compare anyway")
    return differences


def compare_runs(paths: list[Path], test: str = "ar", trials: int = TRIALS,
                 bootstrap: Bootstrap = DEFAULT_BOOTSTRAP, force: bool = False) -> dict:
    """Every run against the first: per metric the two means, delta, CI and p-value."""
    if len(paths) < 2:
        raise UsageError("compare needs at least two runs")
    if test not in TESTS:
        raise UsageError(f"--test {test!r}: use one of {', '.join(TESTS)}")
    runs = [load_run(p) for p in paths]
    forced = check_comparable(runs, force)
    baseline = runs[0]
    comparisons = []
    for run in runs[1:]:
        units_a, units_b = baseline.units(), run.units()
        shared = sorted(set(units_a) & set(units_b))
        if not shared:
            raise UsageError(f"{baseline.path} and {run.path} have no summary in common "
                             "(documents are paired by id, language and length; were they "
                             "run at different --length?)")
        keys = [k for k in baseline.data["metrics"] if k in run.data["metrics"]]
        a = np.array([[units_a[u][k] for k in keys] for u in shared])
        b = np.array([[units_b[u][k] for k in keys] for u in shared])
        results = compare_scores(a, b, test, bootstrap, trials)
        comparisons.append({
            "a": {"path": str(baseline.path), "system": baseline.name},
            "b": {"path": str(run.path), "system": run.name},
            "paired": len(shared),
            "only_in_a": len(units_a) - len(shared), "only_in_b": len(units_b) - len(shared),
            "metrics": {k: r.to_dict() for k, r in zip(keys, results, strict=True)},
            "documents": [{"id": u[0], "lang": u[1], "length": u[2],
                           "a": {k: units_a[u][k] for k in keys},
                           "b": {k: units_b[u][k] for k in keys}} for u in shared],
        })
    return {
        "signature": baseline.data["signature"],
        "dataset": baseline.data["dataset"],
        "test": {"name": "approximate randomisation" if test == "ar" else "paired bootstrap",
                 "trials": trials if test == "ar" else bootstrap.resamples,
                 "seed": bootstrap.seed, "delta_ci": bootstrap.describe(), "sided": "two"},
        "metrics": baseline.data["metrics"],
        "runs": [{"path": str(r.path), "system": r.name} for r in runs],
        "signature_differences": forced,
        "comparisons": comparisons,
    }


def shown_keys(comparison: dict, all_metrics: bool = False) -> list[str]:
    keys = list(comparison["metrics"])
    return keys if all_metrics else [k for k in HEADLINE if k in keys]


HEADER = ["metric", "A", "B", "Δ (B−A)", "95% CI of Δ", "p"]


def pair_rows(comparison: dict, pair: dict, all_metrics: bool = False) -> list[list[str]]:
    """Rows of one A-vs-B table, shared by the terminal and Markdown renderings."""
    labels = {k: v.get("short") or v.get("label", k) for k, v in comparison["metrics"].items()}
    rows = []
    for key in shown_keys(comparison, all_metrics):
        m = pair["metrics"].get(key)
        if m is not None:
            low, high = m["delta_ci"]
            rows.append([labels[key], f"{m['a']:.2f}", f"{m['b']:.2f}", f"{m['delta']:+.2f}",
                         f"[{low:+.2f}, {high:+.2f}]", f"{m['p_value']:.4f}"])
    return rows


def render_markdown(comparison: dict, all_metrics: bool = False) -> str:
    lines = ["# Comparison", "", f"- Dataset: `{comparison['dataset'].get('path')}`",
             f"- Test: {comparison['test']['name']} ({comparison['test']['trials']} trials, "
             f"seed {comparison['test']['seed']}, two-sided)",
             f"- Signature: `{comparison['signature']}`", ""]
    for pair in comparison["comparisons"]:
        lines += [f"## A = {pair['a']['system']} (`{pair['a']['path']}`) vs "
                  f"B = {pair['b']['system']} (`{pair['b']['path']}`)", "",
                  f"{pair['paired']} paired summaries.", "",
                  "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(row) + " |" for row in pair_rows(comparison, pair,
                                                                       all_metrics)]
        lines.append("")
    return "\n".join(lines)


def print_table(comparison: dict, all_metrics: bool = False, console=None) -> None:
    """The comparison as rich tables on stdout (one per pair of runs)."""
    from rich.table import Table

    from ..console import stdout_console

    console = console or stdout_console()
    for pair in comparison["comparisons"]:
        table = Table(title=f"A = {pair['a']['system']} ({pair['a']['path']})  vs  "
                            f"B = {pair['b']['system']} ({pair['b']['path']})",
                      caption=f"{pair['paired']} paired summaries · "
                              f"{comparison['test']['name']}, two-sided p")
        for i, name in enumerate(HEADER):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in pair_rows(comparison, pair, all_metrics):
            table.add_row(*row, style="bold" if float(row[-1]) < 0.05 else None)
        console.print(table)


def write_report(comparison: dict, out: Path, all_metrics: bool = False) -> list[Path]:
    """``comparison.json``, ``comparison.md``, ``report.html`` and ``comparison.png``."""
    from ..output import atomic_write, dump_json
    from .compare_report import focus_key, render_html
    from .plot import comparison_plot

    out.mkdir(parents=True, exist_ok=True)
    key = focus_key(comparison)
    labels = {k: v.get("short") or v.get("label", k) for k, v in comparison["metrics"].items()}
    first = comparison["comparisons"][0]
    deltas = [(labels[k], m["delta"], *m["delta_ci"]) for k in shown_keys(comparison)
              if (m := first["metrics"].get(k)) and comparison["metrics"][k].get(
                  "unit", "points") == "points"]
    png = comparison_plot(deltas, [(d["a"][key], d["b"][key]) for d in first["documents"]],
                          labels[key], (first["a"]["system"], first["b"]["system"]))
    paths = [out / "comparison.json", out / "comparison.md", out / "report.html",
             out / "comparison.png"]
    atomic_write(paths[0], dump_json(comparison))
    atomic_write(paths[1], render_markdown(comparison, all_metrics))
    atomic_write(paths[2], render_html(
        comparison, png, lambda pair: pair_rows(comparison, pair, all_metrics)))
    atomic_write(paths[3], png)
    return paths
