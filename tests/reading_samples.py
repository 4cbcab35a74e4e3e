"""Hostile and ordinary inputs for the reading tests, built on the fly (nothing checked in).

Used by tests/test_reading_*.py and tests/test_extract*.py.
"""

from __future__ import annotations

import os
from pathlib import Path

# Umlauts, ß, €, German quotes, a dash and "Crème" (è reads wrong in cp1250, the code
# page charset-normalizer tends to guess for German text).
GERMAN = (
    "Die Stadtverwaltung hat am Dienstag neue Pläne für den Ausbau des öffentlichen "
    "Nahverkehrs vorgestellt. Bis 2030 sollen drei zusätzliche Straßenbahnlinien entstehen – "
    "vor allem für die wachsenden Wohngebiete im Norden. Die Kosten werden auf rund 450 "
    "Millionen € geschätzt. „Das ist eine Investition in die Zukunft“, sagte die "
    "Bürgermeisterin bei Kaffee und Crème brûlée. Über Einwände entscheidet der Stadtrat "
    "im Herbst; Änderungen sind möglich."
)
ENGLISH = (
    "The city council presented new plans on Tuesday to expand public transport. By 2030 "
    "three additional tram lines are to be built, mainly to connect the growing residential "
    "areas in the north with the city centre. The costs are estimated at around 450 million "
    "euros, and about half of that is expected to come from federal funding programmes."
)

# Words that appear only in the page's navigation, script, style and footer.
NAV, SCRIPT, STYLE, FOOTER = "Startseite", "trackVisitor", "font-family", "Copyright"
HTML_PAGE = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Nahverkehr</title>
<style>body {{ font-family: serif; }}</style>
<script>function trackVisitor() {{ return 1; }}</script></head>
<body>
<nav><ul><li><a href="/">Startseite</a></li><li><a href="/i">Impressum</a></li>
<li><a href="/k">Kontakt</a></li></ul></nav>
<main><article><h1>Neue Straßenbahnlinien</h1>
<p>{GERMAN}</p>
<script>trackVisitor();</script>
<p>Weitere Informationen folgen in der nächsten Woche, wenn der Stadtrat die genauen
Pläne für alle betroffenen Stadtteile veröffentlicht hat.</p>
</article></main>
<footer>Copyright 2024 Stadtzeitung</footer>
</body></html>
"""


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with a real text layer (matplotlib embeds the glyphs' Unicode)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.27, 11.69))
    for number, line in enumerate(lines):
        figure.text(0.05, 0.95 - number * 0.03, line, fontsize=9)
    figure.savefig(path, format="pdf")
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Bericht", level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(path)
    return path


def wrap(text: str, width: int = 60) -> list[str]:
    """``text`` as lines of at most ``width`` characters (a hard-wrapped file or page)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def build_hostile_folder(root: Path) -> tuple[list[str], list[str]]:
    """A folder of good and bad inputs; returns (good file names, bad entry names).

    Everything is *.txt or *.md so that a default folder walk meets every case.
    """
    root.mkdir(parents=True, exist_ok=True)
    good = {
        "de_utf8.txt": GERMAN.encode("utf-8"),
        "de_utf8_bom.txt": b"\xef\xbb\xbf" + GERMAN.encode("utf-8"),
        "de_cp1252.txt": GERMAN.encode("cp1252"),
        "de_utf16.txt": GERMAN.encode("utf-16"),
        "en_wrapped.txt": "\n".join(wrap(ENGLISH)).encode("ascii"),
        "en_notes.md": f"# Transport\n\n*{ENGLISH}*\n\n- first point\n".encode(),
    }
    bad = {
        "empty.txt": b"",
        "blank.txt": b"  \n\t \r\n\n",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "noise.txt": bytes(range(256)) * 4,
        "undecodable.txt": b"\x81\x8d\x8f\x90\x9d" * 40,
        "short.txt": "Nur ein paar Wörter.".encode(),
    }
    for name, data in {**good, **bad}.items():
        (root / name).write_bytes(data)
    os.symlink("missing-target.txt", root / "broken.txt")
    os.symlink("loop.txt", root / "loop.txt")
    (root / "dir.txt").mkdir()
    return sorted(good), sorted([*bad, "broken.txt", "loop.txt", "dir.txt"])
