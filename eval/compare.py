"""Comparing evaluation runs: which system is better, and is the difference significant?

Runs are ``--out`` folders of ``summarise eval`` (or their ``scores.json``).  Summaries
are paired by document id, language and length; every run after the first is compared
with the first.  Runs over different datasets, or scored with different metric
signatures, are refused: their numbers are not comparable.

Per-document metrics (their means) are tested with documents as the unit
(``significance.py``); corpus chrF++ and BLEU, when both runs' texts are in their
folders, with sacreBLEU's own paired tests per language/length (``corpus_tests.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .aggregate import DEFAULT_BOOTSTRAP, Bootstrap
from .corpus_tests import corpus_comparison
from .labels import system_label
from .metrics import registry
from .report import FILES
from .significance import TESTS, TRIALS, compare_scores

Unit = tuple[str, str, str]  # id, lang, length


@dataclass
class Run:
    path: Path
    data: dict

    @property
    def name(self) -> str:
        return self.data.get("system", {}).get("name", self.path.name)

    @property
    def label(self) -> str:
        """The system in words: summariser, translators, backend, dtype, revision."""
        return system_label(self.data.get("system", {}), self.path.name)

    @property
    def folder(self) -> Path:
        return self.path if self.path.is_dir() else self.path.parent

    def units(self) -> dict[Unit, dict[str, float]]:
        return {(d["id"], d["lang"], d["length"]): d["scores"] for d in self.data["documents"]}

    def _rows(self, kind: str) -> list[dict]:
        file = self.folder / FILES[kind]
        if not file.is_file():
            return []
        try:
            return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{file}: not the JSON Lines that `summarise eval` writes "
                             f"({exc}); run the eval again") from None

    def texts(self) -> dict[Unit, str]:
        """The run's summaries (its predictions.jsonl), empty when the file is absent."""
        return {(r["id"], r["lang"], r["length"]): r.get("text", "")
                for r in self._rows("predictions")}

    def references(self) -> dict[Unit, tuple[str, ...]]:
        """The references each summary was scored against (references.jsonl)."""
        return {(r["id"], r["lang"], r["length"]): tuple(r["references"])
                for r in self._rows("references")}


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
    """Every run against the first: per metric the two means, delta, CI and p-value, and
    sacreBLEU's corpus chrF++/BLEU with its paired test."""
    if len(paths) < 2:
        raise UsageError("compare needs at least two runs")
    if test not in TESTS:
        raise UsageError(f"--test {test!r}: use one of {', '.join(TESTS)}")
    runs = [load_run(p) for p in paths]
    forced = check_comparable(runs, force)
    baseline = runs[0]
    comparisons = [compare_pair(baseline, run, test, trials, bootstrap) for run in runs[1:]]
    return {
        "signature": baseline.data["signature"],
        "dataset": baseline.data["dataset"],
        "test": {"name": "approximate randomisation" if test == "ar" else "paired bootstrap",
                 "trials": trials if test == "ar" else bootstrap.resamples,
                 "seed": bootstrap.seed, "delta_ci": bootstrap.describe(), "sided": "two",
                 "unit": "document"},
        "metrics": baseline.data["metrics"],
        "runs": [{"path": str(r.path), "system": r.name, "label": r.label} for r in runs],
        "signature_differences": forced,
        "comparisons": comparisons,
    }


def compare_pair(baseline: Run, run: Run, test: str, trials: int, bootstrap: Bootstrap
                 ) -> dict:
    """One run against the baseline, over the summaries both have."""
    units_a, units_b = baseline.units(), run.units()
    shared = sorted(set(units_a) & set(units_b))
    if not shared:
        raise UsageError(f"{baseline.path} and {run.path} have no summary in common "
                         "(documents are paired by id, language and length; were they "
                         "run at different --length?)")
    keys = [k for k in baseline.data["metrics"] if k in run.data["metrics"]]
    a = np.array([[units_a[u][k] for k in keys] for u in shared])
    b = np.array([[units_b[u][k] for k in keys] for u in shared])
    documents = [u[0] for u in shared]
    results = compare_scores(a, b, test, bootstrap, trials, documents)
    return {
        "a": {"path": str(baseline.path), "system": baseline.name, "label": baseline.label},
        "b": {"path": str(run.path), "system": run.name, "label": run.label},
        "paired_documents": len(set(documents)), "paired_summaries": len(shared),
        "only_in_a": len(units_a) - len(shared), "only_in_b": len(units_b) - len(shared),
        "metrics": {k: r.to_dict() for k, r in zip(keys, results, strict=True)},
        "corpus": corpus_part(baseline, run, keys, shared, test,
                              trials if test == "ar" else bootstrap.resamples, bootstrap.seed),
        "documents": [{"id": u[0], "lang": u[1], "length": u[2],
                       "a": {k: units_a[u][k] for k in keys},
                       "b": {k: units_b[u][k] for k in keys}} for u in shared],
    }


def corpus_part(baseline: Run, run: Run, keys: list[str], shared: list[Unit], test: str,
                samples: int, seed: int) -> dict:
    """sacreBLEU's corpus figures and paired tests, or why they are missing."""
    metrics = [cls() for cls in registry.corpus_metrics(keys)]
    if not metrics:
        return {}
    texts_a, texts_b, references = baseline.texts(), run.texts(), baseline.references()
    lacking = [f"{r.folder / FILES[kind]}" for r, kind, have in (
        (baseline, "predictions", texts_a), (run, "predictions", texts_b),
        (baseline, "references", references)) if not all(u in have for u in shared)]
    if lacking:
        return {"skipped": f"no texts for every compared summary in {', '.join(lacking)} "
                           "(run `summarise eval` again to write them)"}
    order = list(baseline.data.get("aggregate", {}))  # language, then short before long
    return {"groups": corpus_comparison(metrics, shared, texts_a, texts_b, references, test,
                                        samples, seed, order),
            "test": {"name": "sacreBLEU paired " + (
                "approximate randomisation" if test == "ar" else "bootstrap"),
                "samples": samples, "seed": seed, "correction": "Holm across groups"}}


def shown_keys(comparison: dict, all_metrics: bool = False) -> list[str]:
    keys = list(comparison["metrics"])
    return keys if all_metrics else registry.headline_keys(keys)


HEADER = ["metric", "A", "B", "Δ (B−A)", "95% CI of Δ", "p"]


def _labels(comparison: dict) -> dict[str, str]:
    return {k: v.get("short") or v.get("label", k) for k, v in comparison["metrics"].items()}


def pair_rows(comparison: dict, pair: dict, all_metrics: bool = False) -> list[list[str]]:
    """Rows of one A-vs-B table, shared by the terminal, Markdown and HTML renderings:
    per metric its document-mean row, and for chrF++/BLEU sacreBLEU's corpus rows
    (one per language/length; a Holm-corrected p beside the raw one when several)."""
    labels = _labels(comparison)
    groups = pair.get("corpus", {}).get("groups", {})
    rows = []
    for key in shown_keys(comparison, all_metrics):
        m = pair["metrics"].get(key)
        for group, figures in groups.items():
            if key in figures and (declared := registry.corpus_key(key)) is not None:
                c = figures[key]
                where = f" {group}" if len(groups) > 1 else ""
                p = f"{c['p_value']:.4f}" + (f" (Holm {c['p_holm']:.4f})" if len(groups) > 1
                                             else "")
                rows.append([f"{declared.brief}{where}", f"{c['a']:.2f}", f"{c['b']:.2f}",
                             f"{c['delta']:+.2f}", "—", p])
        if m is not None:
            low, high = m["delta_ci"]
            rows.append([labels[key], f"{m['a']:.2f}", f"{m['b']:.2f}", f"{m['delta']:+.2f}",
                         f"[{low:+.2f}, {high:+.2f}]", f"{m['p_value']:.4f}"])
    return rows


def significant(row: list[str], level: float = 0.05) -> bool:
    """Whether a row's p (the Holm-corrected one when given) is below ``level``."""
    cell = row[-1]
    return float(cell.split("Holm ")[-1].rstrip(")") if "Holm" in cell else cell) < level


def pair_title(pair: dict) -> str:
    """``A = <system> vs B = <system>``, each named by its label (models, backend, dtype)."""
    return (f"A = {pair['a'].get('label') or pair['a']['system']} vs "
            f"B = {pair['b'].get('label') or pair['b']['system']}")


def pair_note(comparison: dict, pair: dict) -> str:
    """What was paired and how it was tested, in one sentence."""
    corpus = pair.get("corpus", {})
    note = (f"{pair['paired_documents']} paired documents ({pair['paired_summaries']} "
            f"summaries); document means: {comparison['test']['name']} over documents")
    if "test" in corpus:
        note += (f"; corpus rows: {corpus['test']['name']} ({corpus['test']['samples']} "
                 f"samples, seed {corpus['test']['seed']}) per language/length, as "
                 "`sacrebleu --paired-" + ("ar" if "random" in corpus["test"]["name"] else "bs")
                 + "` computes it")
    elif corpus.get("skipped"):
        note += f"; corpus chrF++/BLEU not tested: {corpus['skipped']}"
    return note + "."


def render_markdown(comparison: dict, all_metrics: bool = False) -> str:
    lines = ["# Comparison", "", f"- Dataset: `{comparison['dataset'].get('path')}`",
             f"- Test: {comparison['test']['name']} ({comparison['test']['trials']} trials, "
             f"seed {comparison['test']['seed']}, two-sided, documents resampled)",
             f"- Signature: `{comparison['signature']}`", ""]
    for pair in comparison["comparisons"]:
        lines += [f"## {pair_title(pair)}", "",
                  f"A: `{pair['a']['path']}`, B: `{pair['b']['path']}`.", "",
                  pair_note(comparison, pair), "",
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
        table = Table(title=f"{pair_title(pair)}\n({pair['a']['path']} vs {pair['b']['path']})",
                      caption=pair_note(comparison, pair) + " Two-sided p.")
        for i, name in enumerate(HEADER):
            table.add_column(name, justify="left" if i == 0 else "right")
        for row in pair_rows(comparison, pair, all_metrics):
            table.add_row(*row, style="bold" if significant(row) else None)
        console.print(table)


def write_report(comparison: dict, out: Path, all_metrics: bool = False) -> list[Path]:
    """``comparison.json``, ``comparison.md``, ``report.html`` and ``comparison.png``."""
    from ..output import atomic_write, dump_json
    from .compare_report import focus_key, render_html
    from .plot import comparison_plot

    out.mkdir(parents=True, exist_ok=True)
    key = focus_key(comparison)
    labels = _labels(comparison)
    first = comparison["comparisons"][0]
    deltas = [(labels[k], m["delta"], *m["delta_ci"]) for k in shown_keys(comparison)
              if (m := first["metrics"].get(k)) and comparison["metrics"][k].get(
                  "unit", "points") == "points"]
    png = comparison_plot(deltas, [(d["a"][key], d["b"][key]) for d in first["documents"]],
                          labels[key], (first["a"]["label"], first["b"]["label"]))
    paths = [out / "comparison.json", out / "comparison.md", out / "report.html",
             out / "comparison.png"]
    atomic_write(paths[0], dump_json(comparison))
    atomic_write(paths[1], render_markdown(comparison, all_metrics))
    atomic_write(paths[2], render_html(
        comparison, png, lambda pair: pair_rows(comparison, pair, all_metrics)))
    atomic_write(paths[3], png)
    return paths
