"""``summarise eval``: score a system's abstracts against reference summaries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import options as opt
from ..console import current_reporter
from ..errors import UsageError

HELP = """\
Score abstracts against human reference summaries, with bootstrap confidence intervals.

DATASET is JSON Lines with id, lang, text, summary (optional references,
summary_lang), like shared/eval-data/*.jsonl; or a Hugging Face dataset: a folder
written by save_to_disk (a DatasetDict with --split), a Parquet/Arrow file, or on a
connected machine a hub id (--dataset-config, --split; --text-field and --summary-field
name the columns).
The system writes in each record's summary_lang; a German source with English
references goes through the translator.

\b
  summarise eval data.jsonl --system lead-3 --out runs/lead3
  summarise eval data.jsonl --summariser ./my-mt5 --translator en-de=./opus --out runs/mt5
  summarise eval data.jsonl --predictions outputs.jsonl --out runs/external
  summarise eval --seeds --system textrank
  summarise eval cnn_dailymail --dataset-config 3.0.0 --split test --text-field article \\
      --summary-field highlights --system lead-3

Systems: model (the summarise pipeline, with the same model flags as `run`), lead-K
(the first K sentences) and textrank (LexRank-style, up to each length's word target).
Each record is scored at --length (default: the preset nearest the references' median
length; lead-K writes the same text at every length). Metrics: ROUGE-1/2/L/Lsum with
a Unicode tokenizer and per-language stemming, chrF++ and BLEU (sacreBLEU), length,
novel n-grams and number consistency. chrF++ and BLEU are reported as sacreBLEU's
corpus scores (and per-document means). References: the primary one ('summary') by
default; --references all takes the best of every reference, mean averages them.

--executor ray runs a model system on Ray Data actors (see `summarise run --help`).

--out DIR writes predictions.jsonl, scores.json, report.md, report.html and
scores.png; the score table always goes to stdout.
"""

LengthsOpt = Annotated[list[str] | None, typer.Option(
    "--length", metavar="LENGTH", help="short, medium or long; repeat. [default: the preset "
    "nearest the references' median length; every length for --seeds]", show_default=False)]


@opt.shared_flags(opt.MODEL_FLAGS, opt.EXECUTOR_FLAGS)
def eval_command(
    ctx: typer.Context,
    dataset: Annotated[Path | None, typer.Argument(
        help="JSONL dataset (id, lang, text, summary).", metavar="DATASET",
        show_default=False)] = None,
    seeds: Annotated[bool, typer.Option(
        "--seeds", help="Score the seed article against the shipped reference abstracts.")
    ] = False,
    system: Annotated[str | None, typer.Option(
        "--system", "-s", metavar="SYSTEM",
        help="model, lead-K (e.g. lead-3) or textrank. [default: model]",
        show_default=False)] = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", metavar="FILE", help="Score these summaries (JSONL: id, text, "
        "optional length, lang) instead of running a system.", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", help="Write predictions, scores and reports here.",
        show_default=False)] = None,
    length: LengthsOpt = None,
    summary_lang: Annotated[str | None, typer.Option(
        "--summary-lang", metavar="LANG", help="Score summaries in this language (de or en), "
        "using the records' references_<LANG>. [default: each record's summary_lang]",
        show_default=False)] = None,
    references: Annotated[str, typer.Option(
        "--references", metavar="WHICH",
        help="first (the primary reference, 'summary': comparable with published "
        "single-reference scores), all (best of every reference) or mean (average over "
        "the references).")] = "first",
    stemmer: Annotated[str, typer.Option(
        "--stemmer", metavar="STEMMER", help="auto (en: Porter, de: Snowball keeping "
        "umlauts), snowball (plain Snowball per language) or none.")] = "auto",
    metric: Annotated[list[str] | None, typer.Option(
        "--metric", metavar="NAME", help="Only these metrics; repeat. [default: rouge, chrf, "
        "bleu, length, novelty, numbers, checks]", show_default=False)] = None,
    text_field: Annotated[str, typer.Option(
        "--text-field", metavar="FIELD", help="Field (column) holding the source text.")
    ] = "text",
    summary_field: Annotated[str, typer.Option(
        "--summary-field", metavar="FIELD", help="Field (column) holding the reference "
        "summary (e.g. highlights for cnn_dailymail).")] = "summary",
    dataset_config: Annotated[str | None, typer.Option(
        "--dataset-config", metavar="NAME", help="Hugging Face dataset configuration (e.g. "
        "de for mlsum, 3.0.0 for cnn_dailymail).", show_default=False)] = None,
    split: Annotated[str | None, typer.Option(
        "--split", metavar="SPLIT", help="Split of a Hugging Face hub dataset [default: "
        "test], or of a DatasetDict folder written by save_to_disk.", show_default=False)
    ] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse a dataset with references in another language than its "
        "records' summary_lang (default: warn, and stem each reference in its own "
        "language).")] = False,
    group_by: Annotated[list[str] | None, typer.Option(
        "--group-by", metavar="FIELD", help="Also break the scores down by this record "
        "field (e.g. orig_split), or by id-prefix (the id up to its first '-'); repeat.",
        show_default=False)] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="N", min=1, help="Score only the first N records.",
        show_default=False)] = None,
    resamples: Annotated[int, typer.Option(
        "--bootstrap", metavar="N", min=0, help="Bootstrap resamples for the 95% CIs.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Bootstrap seed.")] = 12345,
) -> None:
    from ..job import executor_from_params
    from ..layers import ModelOptions

    executor = executor_from_params(ctx.params)
    asked = ctx.params["executor"] != opt.EXECUTOR_FLAGS["executor"][1]  # not the default
    # The model flags of `run` (the same options), read from the parsed parameters.
    failed = _eval(current_reporter(), dataset, seeds, system, predictions, out, length,
                   summary_lang, references, stemmer, metric, limit, resamples, seed,
                   ModelOptions.from_params(ctx.params), strict, group_by or [],
                   dict(text_field=text_field, summary_field=summary_field,
                        config=dataset_config, split=split),
                   executor if asked else None, ctx.params["batch_docs"])
    if failed:  # the rest is scored and written; the exit code says it is not all
        raise typer.Exit(1)


def _eval(reporter, dataset_path, seeds, system_name, predictions, out, lengths, summary_lang,
          references, stemmer, metrics, limit, resamples, seed, options, strict,
          group_by, source, executor=None, batch_docs=None) -> int:
    """Score the system; returns how many records it failed to summarise (each left out
    of the scores, listed as missing with its reason)."""
    from ..eval import Bootstrap, evaluate, load_dataset, seed_dataset, write_reports
    from ..eval.metrics import DEFAULT_METRICS, METRICS
    from ..eval.systems import PredictionsFile, make_system
    from ..eval.text import STEMMER_CHOICES
    from ..layers import settings_from_options
    from ..preflight import gather, require_out_dir

    if seeds == (dataset_path is not None):
        raise UsageError("give a DATASET file or --seeds (not both)")
    if predictions is not None and system_name is not None:
        raise UsageError("--predictions scores a file; leave out --system")
    if predictions is not None and executor is not None:
        raise UsageError("--predictions scores a file; leave out --executor ray")
    if stemmer not in STEMMER_CHOICES:
        raise UsageError(f"--stemmer {stemmer!r}: use one of {', '.join(STEMMER_CHOICES)}")
    unknown = [m for m in metrics or () if m not in METRICS]
    if unknown:
        raise UsageError(f"--metric {', '.join(unknown)}: unknown; use {', '.join(METRICS)}")
    data = (seed_dataset(limit, summary_lang, references) if seeds else
            load_dataset(dataset_path, limit, summary_lang, references, **source))
    check_reference_languages(data, strict, reporter)
    check_group_fields(data, group_by)

    settings = settings_from_options(options)
    system = (PredictionsFile(predictions) if predictions is not None else
              make_system(system_name or "model", lambda: settings, stemmer, executor))
    if batch_docs and hasattr(system, "batch_docs"):  # the same batches on either executor
        system.batch_docs = batch_docs
    presets = settings.presets
    chosen = choose_lengths(lengths, data, presets, system, reporter)
    # --out, and for a model system every model the records need (``preflight``)
    gather(lambda: require_out_dir(out), lambda: system.check(data.records))
    cross = sum(r.cross_lingual for r in data.records)
    if cross and system.copies_source:
        reporter.warn(f"{cross} record(s) are cross-lingual; the extractive baseline copies "
                      "source-language sentences (a no-translation lower bound)")
    reporter.info(f"scoring {system.name} on {data.name}: {len(data.records)} record(s) × "
                  f"{', '.join(chosen)}")
    result = evaluate(data, system, {n: presets[n].words for n in chosen},
                      tuple(metrics) if metrics else DEFAULT_METRICS, stemmer, references,
                      Bootstrap(resamples=resamples, seed=seed), reporter, group_by)
    print_scores(result)
    if out is not None:
        paths = write_reports(result, out)
        reporter.info(f"wrote {', '.join(p.name for p in paths.values())} to {out}")
    reporter.debug(f"signature: {result.signature}")
    return len(result.failures)


def check_reference_languages(data, strict: bool, reporter) -> None:
    """Warn (or, with --strict, refuse) when references are not in summary_lang; say how
    many references' language could not be told (they are scored as summary_lang)."""
    from ..eval.datasets import foreign_reference_count, undecided_reference_count

    undecided, undecided_records = undecided_reference_count(data)
    if undecided:
        reporter.warn(f"{data.path}: the language of {undecided} reference(s) in "
                      f"{undecided_records} record(s) could not be told by detection (too "
                      "short, mixed, or neither German nor English); they are scored as "
                      "the records' summary_lang")
    references, records = foreign_reference_count(data)
    if not references:
        return
    wanted = sorted({r.summary_lang for r in data.records if r.foreign_references})
    message = (f"{data.path}: {references} reference(s) in {records} record(s) are not in "
               f"the records' summary_lang ({', '.join(wanted)}) by language detection")
    if strict:
        raise UsageError(f"{message}; fix summary_lang or the references (--strict)")
    reporter.warn(f"{message}; each is stemmed in its own language, but the scores compare "
                  "summaries with references in another language")


def check_group_fields(data, fields: list[str]) -> None:
    """Every --group-by FIELD must be a field of some record (or id-prefix)."""
    from ..eval.aggregate import ID_PREFIX

    known = {k for r in data.records for k in r.fields} | {ID_PREFIX}
    for name in fields:
        if name not in known:
            raise UsageError(f"--group-by {name!r}: no record of {data.path} has that field; "
                             f"use one of {', '.join(sorted(known))}")


def choose_lengths(asked, data, presets, system, reporter) -> list[str]:
    """Lengths to score: asked, those in a predictions file, the seeds' own, or nearest."""
    if asked:
        return list(dict.fromkeys(asked))
    from_file = system.lengths()
    if from_file:
        unknown = [n for n in from_file if n not in presets]
        if unknown:
            raise UsageError(f"predictions use unknown length(s) {', '.join(unknown)}; "
                             f"known: {', '.join(presets)}")
        return [n for n in presets if n in from_file]
    by_length = {n for r in data.records for n in r.references_by_length}
    if by_length:
        return [n for n in presets if n in by_length]
    median = data.median_reference_words()
    nearest = min(presets, key=lambda n: abs(presets[n].words - median))
    reporter.info(f"scoring at length {nearest} ({presets[nearest].words} words), the preset "
                  f"nearest the references' median of {median:.0f} words; change with --length")
    return [nearest]


def print_scores(result) -> None:
    """The headline table on stdout: a row per metric, a column per language/length;
    piped, the metrics go by their full names and nothing is cut to the screen width."""
    from rich.table import Table

    from ..console import stdout_console
    from ..eval.report import (
        corpus_figure,
        corpus_label,
        headline_keys,
        report_title,
        shown_groups,
    )

    console = stdout_console()
    keys = {k.name: k for k in result.keys}
    groups = shown_groups(result)
    table = Table(title=report_title(result),
                  caption="mean ± half-width of the 95% bootstrap CI over documents "
                          "(exact bounds in scores.json and report.md); references: "
                          f"{result.signature_fields.get('refs')}")
    table.add_column("metric")
    for group in groups:
        table.add_column(group, justify="right")
    table.add_row("documents", *(str(next(iter(result.aggregate[g].values()))["n"])
                                 for g in groups))
    for name in headline_keys(result.keys):
        if (label := corpus_label(result, name)) is not None:
            table.add_row(label, *(f"{corpus_figure(result, g, name):.2f}" for g in groups))
        digits = 1 if keys[name].unit in ("words", "count") else 2
        cells = []
        for group in groups:
            stat = result.aggregate[group][name]
            half = (stat["high"] - stat["low"]) / 2
            cells.append(f"{stat['mean']:.{digits}f} ±{half:.{digits}f}")
        table.add_row(keys[name].brief if console.is_terminal else keys[name].label, *cells)
    console.print(table)
