"""Markdown and HTML to plain text: the words a reader sees, without the markup.

Markdown is parsed with markdown-it-py (CommonMark plus tables), so emphasis, links,
headings and lists lose their syntax but keep their words.  HTML goes through
trafilatura, which finds the main text of a page and drops scripts, styles,
navigation, headers, footers and asides; on a fragment or a tiny page where it finds
nothing, a plain lxml pass removes the same kinds of element and keeps the rest.
"""

from __future__ import annotations

import logging
import re

from ..errors import DocumentError
from .encoding import Decoded, decode

_FRONT_MATTER = re.compile(r"\A---[^\S\n]*\n.*?\n(?:---|\.\.\.)[^\S\n]*(?:\n|\Z)", re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
# Page furniture, never the article.  Headers and footers inside an article or the
# main element are kept: they hold its title and byline.
_NOT_CONTENT = (
    "//script|//style|//noscript|//template|//svg|//math|//nav|//aside|//form|//iframe"
    "|//button|//select|//head"
    "|//header[not(ancestor::article) and not(ancestor::main)]"
    "|//footer[not(ancestor::article) and not(ancestor::main)]"
    "|//*[@hidden or @aria-hidden='true' or @role='navigation' or @role='banner'"
    " or @role='contentinfo' or @role='complementary']")
_BLOCKS = ("p", "div", "section", "article", "main", "header", "footer", "li", "dt", "dd",
           "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table", "ul",
           "ol", "dl", "figure", "figcaption", "address", "hr", "br", "td", "th")


def markdown_to_text(source: str) -> str:
    """The text of a Markdown document: one block per paragraph, heading, item or row.

    Soft line breaks stay as newlines so that hygiene can undo hyphenation before it
    joins the lines of a paragraph.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    blocks: list[str] = []
    row: list[str] | None = None
    for token in parser.parse(_FRONT_MATTER.sub("", source)):
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            blocks.append(" | ".join(cell for cell in row if cell))
            row = None
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text.replace("\n", " ").strip())
            else:
                blocks.append(text)
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.type == "html_block":
            blocks.append(_fragment_text(token.content))
    return "\n\n".join(block.strip() for block in blocks if block.strip())


_INLINE_SCRIPT = re.compile(r"<(script|style)\b", re.IGNORECASE)


def _inline_text(children) -> str:
    """Words of a paragraph; link and emphasis markers carry none, images are dropped."""
    parts, hidden = [], False
    for child in children:
        if child.type == "html_inline":  # tags go; the words between them stay
            if _INLINE_SCRIPT.match(child.content):
                hidden = True
            elif child.content.lower().startswith(("</script", "</style")):
                hidden = False
        elif hidden:
            continue
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def html_to_text(raw: bytes, where: str) -> tuple[str, Decoded]:
    """The main text of an HTML page and how its bytes were decoded."""
    decoded = decode(raw, where, declared=_declared_charset(raw))
    markup = _XML_DECLARATION.sub("", decoded.text, count=1)
    text = _main_text(markup) or _fragment_text(markup)
    if not text.strip():
        raise DocumentError(f"{where}: has no readable text once scripts, styles and "
                            "navigation are removed; check that the page has content")
    return text, decoded


def _declared_charset(raw: bytes) -> str | None:
    found = _META_CHARSET.search(raw[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def _main_text(markup: str) -> str | None:
    """trafilatura's main-text extraction; None when it finds nothing or fails."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return trafilatura.extract(markup, include_comments=False, include_tables=True,
                                   include_images=False, include_links=False,
                                   deduplicate=False) or None
    except Exception:  # a parser failure on odd markup: the lxml pass below still runs
        return None


def _fragment_text(markup: str) -> str:
    """Visible text of HTML without page furniture, one line per block element."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError):
        return ""
    for element in root.xpath(_NOT_CONTENT):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()
