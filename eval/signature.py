"""The signature: every setting a score depends on, in one line, so it can be reproduced.

Modelled on sacreBLEU's: ``key:value`` fields joined by ``|``.  Two runs can be compared
only when their signatures are equal (``summarise compare`` checks).
"""

from __future__ import annotations

from .. import __version__
from .aggregate import Bootstrap
from .metrics import Metric
from .text import TOKENIZER, describe_stemmers, splitter_version


def signature_fields(metrics: list[Metric], stemmer: str, references: str,
                     bootstrap: Bootstrap) -> dict[str, str]:
    refs = "max-over-all-references" if references == "all" else "first-reference-only"
    return {
        "summarise": __version__,
        "refs": refs,
        "tok": TOKENIZER,
        "stem": describe_stemmers(stemmer),
        "split": splitter_version(),
        "ci": bootstrap.describe(),
        "metrics": ",".join(m.signature() for m in metrics),
    }


def format_signature(fields: dict[str, str]) -> str:
    return "|".join(f"{key}:{value}" for key, value in fields.items())
