"""Writing an evaluation run to ``--out``: predictions, scores, Markdown, HTML and a plot.

``scores.json`` is the machine-readable record (per document and aggregate, with the
signature); ``report.md`` and the self-contained ``report.html`` are for people.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from ..output import atomic_write, dump_json
from .harness import EvalResult

HEADLINE = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f", "chrf", "bleu", "words",
            "within_target", "novel_2", "numbers_consistent")
FILES = {"predictions": "predictions.jsonl", "scores": "scores.json",
         "markdown": "report.md", "html": "report.html", "plot": "scores.png"}
EXAMPLES = 3


def headline_keys(result_keys) -> list[str]:
    present = {k.name for k in result_keys}
    return [k for k in HEADLINE if k in present]


def format_stat(stat: dict, unit: str = "points") -> str:
    digits = 1 if unit in ("words", "count") else 2
    return f"{stat['mean']:.{digits}f} [{stat['low']:.{digits}f}, {stat['high']:.{digits}f}]"


def write_reports(result: EvalResult, out: Path) -> dict[str, Path]:
    """Every report file under ``out``; returns their paths by kind."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in FILES.items()}
    atomic_write(paths["predictions"], "".join(
        json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in result.predictions))
    atomic_write(paths["scores"], dump_json(result.to_dict()))
    png = _plot(result)
    atomic_write(paths["plot"], png)
    atomic_write(paths["markdown"], render_markdown(result, FILES["plot"]))
    atomic_write(paths["html"], render_html(result, png))
    return paths


def _plot(result: EvalResult) -> bytes:
    from .plot import score_plot

    labels = {k.name: k.label for k in result.keys}
    return score_plot(result.aggregate, labels,
                      f"{result.system['name']} on {result.dataset.name}")


def shown_groups(result: EvalResult) -> list[str]:
    """Groups worth a column: ``overall`` only adds something when there are several."""
    groups = [g for g, stats in result.aggregate.items() if stats]
    return groups if len(groups) != 2 else [g for g in groups if g != "overall"]


def score_table_rows(result: EvalResult, keys: list[str] | None = None
                     ) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a score table: a row per metric, a column per language/length
    group, each cell mean [95% CI]."""
    by_name = {k.name: k for k in result.keys}
    groups = shown_groups(result)
    header = ["metric", *groups]
    rows = [["documents", *(str(next(iter(result.aggregate[g].values()))["n"])
                            for g in groups)]]
    for name in keys or headline_keys(result.keys):
        key = by_name[name]
        if name in CORPUS_LABELS and name in result.corpus:
            rows.append([CORPUS_LABELS[name], *(f"{corpus_figure(result, g, name):.2f}"
                                                for g in groups)])
        rows.append([key.label, *(format_stat(result.aggregate[g][name], key.unit)
                                  for g in groups)])
    return header, rows


CORPUS_LABELS = {"chrf": "chrF++ (corpus, sacreBLEU)", "bleu": "BLEU (corpus, sacreBLEU)"}


def corpus_figure(result: EvalResult, group: str, key: str) -> float:
    """sacreBLEU's corpus score of ``group`` (the whole run when it has one group)."""
    groups = result.corpus.get("groups", {})
    return groups[group][key] if group in groups else result.corpus[key]


REFERENCE_NOTES = {
    "first-reference-only": "References: the primary reference of each document "
                            "('summary'), as published single-reference scores.",
    "max-over-all-references": "References: every reference of a document; the best one "
                               "counts (higher than single-reference scores).",
    "mean-over-all-references": "References: every reference of a document, averaged.",
}


def reference_note(result: EvalResult) -> str:
    """Which references were used, in words (the report must say so)."""
    mode = result.signature_fields.get("refs", "")
    nrefs = result.corpus.get("nrefs")
    extra = f" sacreBLEU nrefs: {nrefs}." if nrefs is not None else ""
    return REFERENCE_NOTES.get(mode, f"References: {mode}.") + extra


def examples(result: EvalResult, count: int = EXAMPLES) -> list[dict]:
    """A few summaries next to their first reference, for people to read."""
    records = {r.key: r for r in result.dataset.records}
    shown = []
    for prediction in result.predictions:
        record = records.get((prediction.id, prediction.lang))
        if record is None:
            continue
        shown.append({"id": prediction.id, "lang": prediction.lang, "length": prediction.length,
                      "summary": prediction.text,
                      "reference": record.references_for(prediction.length)[0]})
        if len(shown) >= count:
            break
    return shown


def _markdown_table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return value.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(cell, header)) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(map(cell, row)) + " |" for row in rows]


def render_markdown(result: EvalResult, plot_name: str) -> str:
    data = result.dataset.describe()
    lines = [f"# Evaluation: {result.system['name']} on {result.dataset.name}", "",
             f"- Dataset: `{data['path']}` ({data['records']} of {data['records_in_file']} "
             f"records, sha256 `{data['sha256'][:16]}…`)",
             f"- System: `{json.dumps(result.system, ensure_ascii=False)}`",
             "- Lengths: " + ", ".join(f"{k} ({v} words)" for k, v in result.lengths.items()),
             f"- Signature: `{result.signature}`", ""]
    if result.missing:
        lines += [f"- **{len(result.missing)} document × length pair(s) had no prediction** "
                  "and are not in the scores.", ""]
    header, rows = score_table_rows(result)
    lines += ["## Scores", "", f"Mean over documents [95% bootstrap CI]; corpus rows are "
              f"sacreBLEU's corpus scores. {reference_note(result)}", ""]
    lines += _markdown_table(header, rows)
    lines += ["", f"![scores]({plot_name})", "", "## All metrics", ""]
    lines += _markdown_table(*score_table_rows(result, [k.name for k in result.keys]))
    lines += ["", "## Examples", ""]
    for example in examples(result):
        lines += [f"### {example['id']} ({example['lang']}, {example['length']})", "",
                  f"**System:** {example['summary'] or '_(empty)_'}", "",
                  f"**Reference:** {example['reference']}", ""]
    return "\n".join(lines)


_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}table{border-collapse:collapse;margin:1em 0;font-size:.9em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:.85em;word-break:break-all}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}.pair div{background:#fafafa;
padding:.6em;border:1px solid #eee}img{max-width:100%}
"""


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(result: EvalResult, png: bytes) -> str:
    """One file with everything inlined (the plot as a data: URI), to mail or archive."""
    data = result.dataset.describe()
    esc = html.escape
    header, rows = score_table_rows(result)
    image = base64.b64encode(png).decode("ascii")
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(result.system['name'])} on {esc(result.dataset.name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{esc(result.system['name'])} on {esc(result.dataset.name)}</h1>",
        f"<p>Dataset <code>{esc(data['path'])}</code>: {data['records']} of "
        f"{data['records_in_file']} records (sha256 <code>{esc(data['sha256'])}</code>).<br>",
        "Lengths: " + esc(", ".join(f"{k} ({v} words)" for k, v in result.lengths.items())),
        f"<br>Signature: <code>{esc(result.signature)}</code></p>",
    ]
    if result.missing:
        parts.append(f"<p><strong>{len(result.missing)} document × length pair(s) had no "
                     "prediction</strong> and are not in the scores.</p>")
    parts += ["<h2>Scores</h2><p>Mean over documents [95% bootstrap CI]; corpus rows are "
              f"sacreBLEU's corpus scores. {esc(reference_note(result))}</p>",
              _html_table(header, rows),
              f"<img alt='scores per language and length' src='data:image/png;base64,{image}'>",
              "<h2>All metrics</h2>",
              _html_table(*score_table_rows(result, [k.name for k in result.keys])),
              "<h2>Examples</h2>"]
    for example in examples(result):
        parts.append(
            f"<h3>{esc(example['id'])} ({esc(example['lang'])}, {esc(example['length'])})</h3>"
            f"<div class='pair'><div><strong>System</strong><p>{esc(example['summary'])}</p>"
            f"</div><div><strong>Reference</strong><p>{esc(example['reference'])}</p></div>"
            "</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
