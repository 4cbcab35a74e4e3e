"""``support``: summary sentences whose grounding finds too few of their words in the
source (``grounding`` says how support is measured).  A summary in another language than
its source is checked only when grounded through ``via``: without it, only words written
alike in both languages (names, numbers) could count, and the check says so instead of
failing."""

from __future__ import annotations

from .registry import Context, register

# A sentence with less than half of its content words in its best source sentences is
# flagged: copied and lightly paraphrased sentences reach well above it, a sentence from
# another article rarely does (bench/checks.py measures both).
SUPPORT_THRESHOLD = 0.5


@register("support")
def check_support(context: Context) -> dict:
    if context.lang != context.source_lang and not context.via:
        # stems of two languages do not meet: only names and numbers would count
        return {"ok": True, "threshold": SUPPORT_THRESHOLD, "unsupported": [],
                "note": "not measured: a summary in another language than its source is "
                        "grounded through the summary it was translated from (via)"}
    weak = [{"sentence": number, "text": s.text, "support": round(s.support, 4)}
            for number, s in enumerate(context.sentences) if s.support < SUPPORT_THRESHOLD]
    return {"ok": not weak, "threshold": SUPPORT_THRESHOLD, "unsupported": weak}
