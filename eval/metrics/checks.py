"""The per-summary checks of ``summarise.checks`` as eval metrics (issue 23, item 5).

Each summary scores 100 or 0 on three flags (in the wrong language, with a number the
source lacks, with a name the source lacks) and its mean sentence support (x100), so
the harness's means are rates and its bootstrap intervals (over documents) come with
them, per language and length, and ``compare`` tests them like any metric.
"""

from __future__ import annotations

from ..text import describe_stemmers, package_version
from .base import Key, Metric, Sample

# check name -> the key that reports the share of summaries failing it
FLAGS = {"language": "checks_wrong_language", "numbers": "checks_unsupported_numbers",
         "names": "checks_unsupported_names"}


class Checks(Metric):
    """Rates of summaries failing the language, numbers and names checks, and mean support."""

    name = "checks"
    version = "1"
    keys = (
        Key("checks_wrong_language", "summaries in the wrong language %", False,
            short="wrong language %"),
        Key("checks_unsupported_numbers", "summaries with a number not in the source %",
            False, short="unsupported numbers %"),
        Key("checks_unsupported_names", "summaries with a name not in the source %", False,
            short="unsupported names %"),
        Key("checks_support", "mean sentence support (x100)", True, short="support"),
    )
    document_columns = ("checks_unsupported_names", "checks_support")
    breakdown_columns = ("checks_wrong_language", "checks_support")

    # ``summarise.checks`` reads text with ``summarise.eval.text``: imported when used, so
    # that importing either package first works.
    def settings(self) -> str:
        from ...checks.support import SUPPORT_THRESHOLD

        return (f"lexical-grounding,stem={describe_stemmers('auto')},"
                f"support<{SUPPORT_THRESHOLD},py3langid@{package_version('py3langid')}")

    def score(self, sample: Sample) -> dict[str, float]:
        from ...checks import annotate

        annotation = annotate(sample.hypothesis, sample.source, lang=sample.lang,
                              source_lang=sample.source_lang)
        failed = set(annotation.failed())
        scores = {key: 100.0 if check in failed else 0.0 for check, key in FLAGS.items()}
        supports = [s.support for s in annotation.sentences]
        scores["checks_support"] = 100 * sum(supports) / len(supports) if supports else 0.0
        return scores
