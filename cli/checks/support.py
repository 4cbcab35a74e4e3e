"""``support``: summary sentences whose grounding finds too few of their words in the
source (``grounding`` says how support is measured)."""

from __future__ import annotations

from .registry import Context, register

# A sentence with less than half of its content words in its best source sentences is
# flagged: copied and lightly paraphrased sentences reach well above it, a sentence from
# another article rarely does (bench/checks.py measures both).
SUPPORT_THRESHOLD = 0.5


@register("support")
def check_support(context: Context) -> dict:
    weak = [{"sentence": number, "text": s.text, "support": round(s.support, 4)}
            for number, s in enumerate(context.sentences) if s.support < SUPPORT_THRESHOLD]
    return {"ok": not weak, "threshold": SUPPORT_THRESHOLD, "unsupported": weak}
