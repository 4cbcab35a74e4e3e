"""``summarise compare --out``: the comparison as a page people read, with its plot.

Per metric the difference B − A with its 95% interval and p-value, a plot of those
differences and of every document's headline score under A against B, the documents
where the two systems differ most, and every paired document in a sortable table that
opens to show both summaries side by side.
"""

from __future__ import annotations

import base64
from pathlib import Path

from .html import DocumentTable, esc, page, table
from .metrics import registry

MOST_DIFFERENT = 10


def _predictions(run_path: str) -> dict[tuple[str, str, str], str]:
    """Summaries of a run, by (id, lang, length), when its predictions.jsonl is there."""
    from .compare import Run

    return Run(Path(run_path), {}).texts()


def focus_key(comparison: dict) -> str:
    """The key the page ranks and plots documents by (registry.focus_key); a run of
    metrics no longer registered falls back to its first key."""
    return registry.focus_key(comparison["metrics"]) or next(iter(comparison["metrics"]))


def pair_documents(pair: dict, key: str) -> DocumentTable:
    labels = {k: v.get("short") or v.get("label", k) for k, v in pair["labels"].items()}
    shown = registry.headline_keys(k for k in labels if k in pair["documents"][0]["a"])
    columns = [("id", "text"), ("lang", "text"), ("length", "text"),
               (f"Δ {labels[key]}", "number"),
               *((f"{labels[k]} A", "number") for k in shown[:4]),
               *((f"{labels[k]} B", "number") for k in shown[:4])]
    table_ = DocumentTable(f"pair{pair['index']}", columns)
    texts_a = _predictions(pair["a"]["path"])
    texts_b = _predictions(pair["b"]["path"])
    for doc in pair["documents"]:
        unit = (doc["id"], doc["lang"], doc["length"])
        scores = "\n".join(f"{labels[k]}: A {doc['a'][k]:.2f} · B {doc['b'][k]:.2f}"
                           for k in shown)
        table_.add("/".join(unit), [
            doc["id"], doc["lang"], doc["length"], doc["b"][key] - doc["a"][key],
            *(doc["a"][k] for k in shown[:4]), *(doc["b"][k] for k in shown[:4])],
            [(f"A: {pair['a'].get('label') or pair['a']['system']}",
              esc(texts_a.get(unit, "(not in the run folder)"))),
             (f"B: {pair['b'].get('label') or pair['b']['system']}",
              esc(texts_b.get(unit, "(not in the run folder)"))),
             ("Scores", esc(scores))])
    return table_


def render_html(comparison: dict, png: bytes, rows_of) -> str:
    """One page for every A-vs-B pair; ``rows_of(pair)`` gives the metric table's rows."""
    key = focus_key(comparison)
    from .compare import HEADER, pair_note, pair_title

    image = base64.b64encode(png).decode("ascii")
    title = "; ".join(pair_title(pair) for pair in comparison["comparisons"])
    dataset = comparison["dataset"].get("name") or ""
    focus = comparison["metrics"].get(key, {})
    focus_label = focus.get("label") or focus.get("short") or key
    body = [f"<h1>{esc(title)} on {esc(dataset)}</h1>",
            f"<p>Dataset <code>{esc(comparison['dataset'].get('path'))}</code>. Test: "
            f"{esc(comparison['test']['name'])} ({comparison['test']['trials']} trials, "
            f"seed {comparison['test']['seed']}, two-sided, documents resampled); 95% CI of "
            f"Δ by paired bootstrap over documents.<br>Signature: <code>"
            f"{esc(comparison['signature'])}</code></p>"]
    if comparison.get("signature_differences"):
        body.append("<p><strong>Compared with --force although the signatures differ: "
                    + esc("; ".join(comparison["signature_differences"])) + "</strong></p>")
    body.append(f"<img alt='differences per metric and per-document scatter' "
                f"src='data:image/png;base64,{image}'>")
    for index, pair in enumerate(comparison["comparisons"]):
        body += [f"<h2>{esc(pair_title(pair))}</h2>",
                 f"<p class='note'>A: <code>{esc(pair['a']['path'])}</code>, B: <code>"
                 f"{esc(pair['b']['path'])}</code>. {esc(pair_note(comparison, pair))}</p>",
                 table(HEADER, rows_of(pair))]
        documents = pair.get("documents") or []
        if not documents:
            continue
        ordered = sorted(documents, key=lambda d: -abs(d["b"][key] - d["a"][key]))
        body += [f"<h3>Where they differ most ({esc(focus_label)})</h3>",
                 table(["id", "lang", "length", "A", "B", "Δ (B−A)"],
                       [[d["id"], d["lang"], d["length"], f"{d['a'][key]:.2f}",
                         f"{d['b'][key]:.2f}", f"{d['b'][key] - d['a'][key]:+.2f}"]
                        for d in ordered[:MOST_DIFFERENT]]),
                 "<h3>Every document</h3><p class='note'>Click a column to sort, a row to "
                 "see both summaries.</p>",
                 pair_documents({**pair, "index": index, "labels": comparison["metrics"]},
                                key).render()]
    return page(f"{title} on {dataset}", body)
