"""``language``: the summary is written in the language it was asked for.

Detection is the project's (``langdetect``, py3langid).  The full 97-language model
decides; where it names another language it is asked again among the asked-for language
and German/English alone (short summaries often look a little Dutch or Latin to the full
model), unless it is sure (p >= ``SURE``) of a third language.  A summary with fewer than
``langdetect.MIN_LETTERS`` letters is too short to tell: it passes, with ``detected``
null and a note saying so.
"""

from __future__ import annotations

from ..config import LANGS
from ..langdetect import MIN_LETTERS, NO_LANGUAGE, detect_among, detect_language
from .registry import Context, register

SURE = 0.9


@register("language")
def check_language(context: Context) -> dict:
    found = detect_language(context.summary)
    if found.lang == NO_LANGUAGE:
        return {"ok": True, "expected": context.lang, "detected": None,
                "note": f"fewer than {MIN_LETTERS} letters: too short to tell"}
    if found.lang != context.lang and (found.lang in LANGS or found.confidence < SURE):
        found = detect_among(context.summary, tuple(sorted({context.lang, *LANGS})))
    return {"ok": found.lang == context.lang, "expected": context.lang,
            "detected": found.lang, "confidence": round(found.confidence, 4)}
