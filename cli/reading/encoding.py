"""Bytes to text: Unicode with or without a byte-order mark, else a legacy code page.

German and English files that are not UTF-8 are nearly always Windows-1252 (or its
subset latin-1).  charset-normalizer tells such files apart from other code pages, but
on German text it often names a close sibling (cp1250, mac_roman) that reads umlauts
right and other accents (è, à, ñ) wrong, so any Western guess is read as cp1252.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from ..errors import DocumentError

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Code pages charset-normalizer may name for a Western European text.
_WESTERN = frozenset({
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_16", "cp1254", "cp1257",
    "cp437", "cp850", "cp852", "cp858", "cp775", "mac_roman", "mac_latin2", "mac_iceland",
    "mac_turkish", "hp_roman8",
})
# In German or English prose the non-ASCII letters stand alone or in pairs inside
# ASCII words ("Grüße", "Crème"); a Cyrillic or Asian text read as cp1252 gives long runs.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_STRAY_BYTE = re.compile("[\udc80-\udcff]")
_JUNK_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
_MAX_JUNK = 0.02


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(raw: bytes, where: str, declared: str | None = None) -> Decoded:
    """The text of ``raw``; ``declared`` is an encoding the file names (HTML meta charset).

    A ``DocumentError`` says when the bytes are binary or in no encoding we can tell.
    """
    decoded = _decode(raw, where, declared)
    _check_readable(decoded.text, where)
    return decoded


def _decode(raw: bytes, where: str, declared: str | None) -> Decoded:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            name = codec.removesuffix("-sig").upper()
            try:
                return Decoded(raw.decode(codec), codec.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise DocumentError(
                    f"{where}: starts with a {name} byte-order mark but is not valid {name}; "
                    "save it again as UTF-8") from None
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    wide = _bomless_utf16(raw)
    if wide:
        try:
            return Decoded(raw.decode(wide), wide)
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            return Decoded(raw.decode(declared), codecs.lookup(declared).name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; detect instead
    if b"\x00" in raw[:8192]:
        raise DocumentError(f"{where}: looks like a binary file (it contains NUL bytes), "
                            "not text; give a text document instead")
    text = raw.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY_BYTE.findall(text))
    if sum(ord(ch) > 0x7F for ch in text) - stray >= 3 * stray:
        # UTF-8 with a few bytes pasted from a cp1252 file: read those bytes as cp1252.
        return Decoded(_STRAY_BYTE.sub(_as_cp1252, text), "utf-8")
    return _legacy(raw, where)


def _legacy(raw: bytes, where: str) -> Decoded:
    """An 8-bit (or older multi-byte) encoding, as charset-normalizer judges it."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    try:
        western = raw.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and (best is None or best.encoding in _WESTERN
                                or _reads_as_western(western)):
        return Decoded(western, "cp1252")
    if best is not None and best.coherence > 0:  # it reads as some language
        return Decoded(str(best), best.encoding)
    raise DocumentError(
        f"{where}: cannot tell its text encoding (not UTF-8 or UTF-16, and no 8-bit code "
        "page gives readable text); save it as UTF-8")


def _reads_as_western(text: str) -> bool:
    """Whether a cp1252 reading looks like Western European prose (see _NON_ASCII_RUN)."""
    runs = _NON_ASCII_RUN.findall(text)
    return bool(runs) and sum(len(run) <= 2 for run in runs) >= 0.9 * len(runs)


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: Latin text has a NUL in every other byte."""
    sample = raw[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.6 and even < 0.05:
        return "utf-16-le"
    if even > 0.6 and odd < 0.05:
        return "utf-16-be"
    return None


def _as_cp1252(match: re.Match) -> str:
    byte = bytes([ord(match.group()) - 0xDC00])
    return byte.decode("cp1252", errors="replace")


def _check_readable(text: str, where: str) -> None:
    """Refuse text that is mostly control, private-use or unassigned characters."""
    if not text:
        return
    junk = sum(1 for ch in text if ch not in "\t\n\r\f\v"
               and unicodedata.category(ch) in _JUNK_CATEGORIES)
    if junk > max(2, _MAX_JUNK * len(text)):
        raise DocumentError(
            f"{where}: looks like a binary file ({junk / len(text):.0%} control or invalid "
            "characters), not text; give a text document instead")
