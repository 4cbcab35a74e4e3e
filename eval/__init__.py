"""The evaluation harness: score abstracts against references, correctly for German.

Metrics live in ``summarise.eval.metrics`` (one class each behind ``Metric``, looked up
in ``METRICS``); ``harness.evaluate`` runs a system over a dataset and aggregates with
bootstrap CIs; ``compare.compare_runs`` tests two runs against each other; the seed
article's reference abstracts ship in ``references/``.

    from pathlib import Path
    from summarise.eval import evaluate, load_dataset, make_system, write_reports
    result = evaluate(load_dataset(Path("en-news.dev.jsonl")), make_system("lead-3"),
                      {"medium": 60})
    write_reports(result, Path("runs/lead3"))
"""

from __future__ import annotations

from .aggregate import Bootstrap
from .datasets import Dataset, Record, load_dataset, seed_dataset
from .harness import EvalResult, evaluate
from .report import write_reports
from .systems import Prediction, make_system

__all__ = ["Bootstrap", "Dataset", "EvalResult", "Prediction", "Record", "evaluate",
           "load_dataset", "make_system", "seed_dataset", "write_reports"]
