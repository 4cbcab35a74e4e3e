"""Writing an evaluation run to ``--out``: predictions, scores, Markdown, HTML and a plot.

``scores.json`` is the machine-readable record (per document and aggregate, with the
signature); ``references.jsonl`` keeps the references each summary was scored against,
so ``compare`` can run sacreBLEU's corpus tests on the texts themselves;
``report.md`` and the self-contained ``report.html`` are for people.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from ..output import atomic_write, dump_json
from .harness import EvalResult
from .highlight import marked, stems
from .html import DocumentTable, esc, page, table
from .labels import system_label
from .metrics import registry
from .text import Analyzer

FILES = {"predictions": "predictions.jsonl", "references": "references.jsonl",
         "scores": "scores.json", "markdown": "report.md", "html": "report.html",
         "plot": "scores.png"}
EXAMPLES = 3


def headline_keys(result_keys) -> list[str]:
    """The run's keys that its metrics declare as headline, in registry order."""
    return registry.headline_keys(k.name for k in result_keys)


def format_stat(stat: dict, unit: str = "points") -> str:
    digits = 1 if unit in ("words", "count") else 2
    return f"{stat['mean']:.{digits}f} [{stat['low']:.{digits}f}, {stat['high']:.{digits}f}]"


def write_reports(result: EvalResult, out: Path) -> dict[str, Path]:
    """Every report file under ``out``; returns their paths by kind."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {kind: out / name for kind, name in FILES.items()}
    atomic_write(paths["predictions"], "".join(
        json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in result.predictions))
    atomic_write(paths["references"], "".join(
        json.dumps(row, ensure_ascii=False) + "\n" for row in scored_references(result)))
    atomic_write(paths["scores"], dump_json(result.to_dict()))
    png = _plot(result)
    atomic_write(paths["plot"], png)
    atomic_write(paths["markdown"], render_markdown(result, FILES["plot"]))
    atomic_write(paths["html"], render_html(result, png))
    return paths


def scored_references(result: EvalResult) -> list[dict]:
    """Per scored summary the references it was scored against, in the order scored."""
    records = {r.key: r for r in result.dataset.records}
    return [{"id": u.id, "lang": u.lang, "length": u.length,
             "references": list(records[(u.id, u.lang)].references_for(u.length))}
            for u in result.units]


def report_title(result: EvalResult) -> str:
    """The system (models, backend, dtype, revision; or the baseline) and the dataset."""
    return f"{system_label(result.system)} on {result.dataset.name}"


def _plot(result: EvalResult) -> bytes:
    from .plot import score_plot

    labels = {k.name: k.label for k in result.keys}
    return score_plot(result.aggregate, labels, report_title(result))


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
        if (label := corpus_label(result, name)) is not None:
            rows.append([label, *(f"{corpus_figure(result, g, name):.2f}" for g in groups)])
        rows.append([key.label, *(format_stat(result.aggregate[g][name], key.unit)
                                  for g in groups)])
    return header, rows


SCORES_NOTE = ("Mean over summaries [95% CI from a bootstrap over documents: a document's "
               "summaries at every length are drawn together]; 'documents' counts documents; "
               "corpus rows are sacreBLEU's corpus scores.")


def corpus_label(result: EvalResult, name: str) -> str | None:
    """The label of key ``name``'s corpus figure when its metric has one and the run
    computed it (the corpus row goes above the document mean's)."""
    declared = registry.corpus_key(name)
    return declared.label if declared is not None and name in result.corpus else None


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
    return REFERENCE_NOTES.get(mode, f"References: {mode}.") + extra + reference_languages_note(
        result.dataset.describe().get("reference_languages", {}))


def reference_languages_note(counts: dict) -> str:
    """How many references detection put in another language, or could not place."""
    notes = []
    if counts.get("other_than_summary_lang"):
        notes.append(f"{counts['other_than_summary_lang']} detected in another language than "
                     "the records' summary_lang (each stemmed in its own)")
    if counts.get("undecided"):
        notes.append(f"{counts['undecided']} of undecidable language (scored as the records' "
                     "summary_lang)")
    return f" Reference language: {'; '.join(notes)}." if notes else ""


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
    lines = [f"# Evaluation: {report_title(result)}", "",
             f"- Dataset: `{data['path']}` ({data['records']} of {data['records_in_file']} "
             f"records, sha256 `{data['sha256'][:16]}…`)",
             f"- System: `{json.dumps(result.system, ensure_ascii=False)}`",
             "- Lengths: " + ", ".join(f"{k} ({v} words)" for k, v in result.lengths.items()),
             f"- Signature: `{result.signature}`", ""]
    if result.missing:
        lines += [f"- **{len(result.missing)} document × length pair(s) had no prediction** "
                  "and are not in the scores.", ""]
    header, rows = score_table_rows(result)
    lines += ["## Scores", "", f"{SCORES_NOTE} {reference_note(result)}", ""]
    lines += _markdown_table(header, rows)
    lines += ["", f"![scores]({plot_name})", "", "## All metrics", ""]
    lines += _markdown_table(*score_table_rows(result, [k.name for k in result.keys]))
    lines += ["", "## Examples", ""]
    for example in examples(result):
        lines += [f"### {example['id']} ({example['lang']}, {example['length']})", "",
                  f"**System:** {example['summary'] or '_(empty)_'}", "",
                  f"**Reference:** {example['reference']}", ""]
    return "\n".join(lines)


EXTREMES = 10
SOURCE_CHARS = 6000
COUNT_UNITS = ("words", "count")


def document_table(result: EvalResult) -> DocumentTable:
    """Every scored summary: sortable scores, and its texts with matched words marked."""
    by_name = {k.name: k for k in result.keys}
    keys = registry.document_keys(by_name)
    columns = [("id", "text"), ("lang", "text"), ("length", "text"),
               *((by_name[k].brief, "count" if by_name[k].unit in COUNT_UNITS else "number")
                 for k in keys)]
    table = DocumentTable("documents", columns)
    records = {r.key: r for r in result.dataset.records}
    texts = {p.key: p.text for p in result.predictions}
    analyzers: dict[str, Analyzer] = {}
    for unit in result.units:
        record = records[(unit.id, unit.lang)]
        analyzer = analyzers.setdefault(unit.lang, Analyzer.for_lang(unit.lang))
        prediction = texts.get(unit.key, "")
        references = record.references_for(unit.length)
        predicted = stems(prediction, analyzer)
        referenced = set().union(*(stems(r, analyzer) for r in references))
        source_analyzer = analyzers.setdefault(record.lang, Analyzer.for_lang(record.lang))
        parts = [("Source", marked(record.text, source_analyzer, stems(
                     prediction, source_analyzer), SOURCE_CHARS)),
                 ("Prediction", marked(prediction, analyzer, referenced) or "<em>(empty)</em>")]
        parts += [(f"Reference {i}" if len(references) > 1 else "Reference",
                   marked(ref, analyzer, predicted)) for i, ref in enumerate(references, 1)]
        table.add("/".join(unit.key), [unit.id, unit.lang, unit.length,
                                       *(unit.scores[k] for k in keys)], parts)
    return table


def extremes(result: EvalResult, key: str | None = None, count: int = EXTREMES
             ) -> tuple[list[list[str]], list[list[str]]]:
    """The ``count`` worst and best summaries by ``key`` (default: the registry's focus
    key): rows of id, lang, length, value.

    With fewer than ``2 * count`` summaries the two lists split them (the worst half and
    the best half) instead of showing the same summaries twice."""
    key = key or registry.focus_key(result.units[0].scores if result.units else ())
    ordered = sorted(result.units, key=lambda u: (u.scores[key], u.id))
    worst = min(count, len(ordered) // 2)
    best = min(count, len(ordered) - worst)

    def rows(units):
        return [[u.id, u.lang, u.length, f"{u.scores[key]:.2f}"] for u in units]
    return rows(ordered[:worst]), rows(ordered[::-1][:best])


def breakdown_rows(groups: dict[str, dict[str, dict]], result: EvalResult
                   ) -> tuple[list[str], list[list[str]]]:
    """A row per group: documents and the headline metrics, mean [95% CI]."""
    by_name = {k.name: k for k in result.keys}
    keys = registry.breakdown_keys(by_name)
    header = ["group", "documents", *(by_name[k].brief for k in keys)]
    rows = []
    for name, stats in groups.items():
        if stats:
            rows.append([name, str(next(iter(stats.values()))["n"]),
                         *(format_stat(stats[k], by_name[k].unit) for k in keys)])
    return header, rows


def render_html(result: EvalResult, png: bytes) -> str:
    """One file with everything inlined (the plot as a data: URI), to mail or archive."""
    data = result.dataset.describe()
    title = report_title(result)
    header, rows = score_table_rows(result)
    image = base64.b64encode(png).decode("ascii")
    body = [
        f"<h1>{esc(title)}</h1>",
        f"<p>Dataset <code>{esc(data['path'])}</code>: {data['records']} of "
        f"{data['records_in_file']} records (sha256 <code>{esc(data['sha256'])}</code>).<br>",
        "Lengths: " + esc(", ".join(f"{k} ({v} words)" for k, v in result.lengths.items())),
        f"<br>{esc(reference_note(result))}",
        f"<br>Signature: <code>{esc(result.signature)}</code></p>",
    ]
    if result.missing:
        body.append(f"<p><strong>{len(result.missing)} document × length pair(s) had no "
                    "prediction</strong> and are not in the scores.</p>")
    body += [f"<h2>Scores</h2><p>{esc(SCORES_NOTE)}</p>", table(header, rows),
             f"<img alt='scores per language and length with 95% CIs' "
             f"src='data:image/png;base64,{image}'>",
             "<h2>Breakdowns</h2><h3>By language and length</h3>",
             table(*breakdown_rows(result.aggregate, result))]
    for name, groups in result.breakdowns.items():
        body += [f"<h3>By {esc(name)}</h3>", table(*breakdown_rows(groups, result))]
    labels = {k.name: k.brief for k in result.keys}
    focus = registry.focus_key(labels)
    if focus is not None:
        worst, best = extremes(result, focus)
        columns = ["id", "lang", "length", labels[focus]]
        body += [f"<h2>The {len(worst)} worst and {len(best)} best by "
                 f"{esc(labels[focus])}</h2>",
                 "<div class='pair'><div><strong>worst</strong>", table(columns, worst),
                 "</div><div><strong>best</strong>", table(columns, best), "</div></div>"]
    body += ["<h2>All metrics</h2>",
             table(*score_table_rows(result, [k.name for k in result.keys])),
             "<h2>Every document</h2><p class='note'>Click a column header to sort by it "
             "(again to reverse); click a row to see source, prediction and references side "
             "by side, with the words they share marked.</p>",
             document_table(result).render()]
    return page(title, body)
