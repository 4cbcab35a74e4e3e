"""``numbers``: quantities the summary states that the source does not, by value.

The reading is the harness's (``eval.metrics.numbers``): "3,5 Millionen" equals
"3.5 million", dates, times, years and versions are kinds of their own, and a summary in
another language than its source is read in its own language and checked against the
source read in the source's.
"""

from __future__ import annotations

from ..eval.metrics.numbers import unsupported_quantities
from .registry import Context, register


@register("numbers")
def check_numbers(context: Context) -> dict:
    stated, missing = unsupported_quantities(context.summary, context.lang, context.source,
                                             context.source_lang)
    return {"ok": not missing, "stated": len(stated),
            "unsupported": [{"text": context.summary[q.start:q.end], "value": q.label,
                             "start": q.start, "end": q.end} for q in missing]}
