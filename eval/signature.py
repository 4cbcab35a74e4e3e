"""The signature: every setting a score depends on, in one line, so it can be reproduced.

Modelled on sacreBLEU's: ``key:value`` fields joined by ``|``.  Every version that can
move a score is in it: the stemmer packages (snowballstemmer 3 stems German differently
from 2.2), the sentence splitter, the tokenizer and its normalisation, the reference
mode and each metric's own settings.  Two runs can be compared only when their
score-relevant fields are equal (``summarise compare`` checks; ``ci`` is per run).
"""

from __future__ import annotations

from .. import __version__
from .aggregate import Bootstrap
from .metrics import Metric
from .text import NORMALISATION, TOKENIZER, describe_stemmers, splitter_version

REFERENCE_MODES = {"first": "first-reference-only", "all": "max-over-all-references",
                   "mean": "mean-over-all-references"}


def signature_fields(metrics: list[Metric], stemmer: str, references: str,
                     bootstrap: Bootstrap) -> dict[str, str]:
    return {
        "summarise": __version__,
        "refs": REFERENCE_MODES[references],
        "tok": TOKENIZER,
        "norm": NORMALISATION,
        "stem": describe_stemmers(stemmer),
        "split": splitter_version(),
        "ci": bootstrap.describe(),
        "metrics": ",".join(m.signature() for m in metrics),
    }


def format_signature(fields: dict[str, str]) -> str:
    return "|".join(f"{key}:{value}" for key, value in fields.items())
