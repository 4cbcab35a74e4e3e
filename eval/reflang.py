"""Which language a reference is written in, so that a metric stems it (and the summary
compared with it) in that language, and so that a mislabelled dataset is noticed.

A reference is scored as German or as English, so those are the only candidates.  The
full 97-language model decides when it is sure (p >= ``MIN_CONFIDENCE``); short
references often leave it unsure (one-sentence English TLDRs read a little like Dutch
or Latin), and then, if its best guess is still German or English, the same model
restricted to those two decides, again only when sure.  What neither decides, and a
reference whose best guess is a third language, is *undecided*: it is scored in the
record's ``summary_lang`` and counted, so the report says how many were assumed
instead of assuming silently.

Measured on the dev sets (``bench/reference_languages.py``): of 1178 English references
of en-de-xling, 63 are unsure or not English to the full model alone, 1 after the
restriction; no reference of any dev set is decided wrongly either way.
"""

from __future__ import annotations

from ..config import LANGS
from ..langdetect import NO_LANGUAGE, detect_among, detect_language

MIN_CONFIDENCE = 0.9
CANDIDATES = tuple(sorted(LANGS))


def reference_language(text: str) -> str | None:
    """de or en when detection is sure, else None (undecided)."""
    full = detect_language(text)
    if full.lang == NO_LANGUAGE:
        return None
    if full.lang not in CANDIDATES:  # a third language, sure or not: neither fits
        return None
    if full.confidence >= MIN_CONFIDENCE:
        return full.lang
    among = detect_among(text, CANDIDATES)
    return among.lang if among.confidence >= MIN_CONFIDENCE else None
