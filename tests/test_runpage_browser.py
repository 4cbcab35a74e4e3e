"""A run's ``index.html`` in a real browser (headless Chromium driven by Playwright).

The page is opened from disk as a reader would: clicking a summary sentence lights up
exactly the source sentence it points to, the filter "only summaries with problems"
hides the others, a source holding ``<script>`` stays text, and the page makes no
network request.  Without a browser the tests are skipped with the reason shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_pages import chromium, needs_chromium, open_page
from summarise.runpage import write_index

pytestmark = needs_chromium

FIRST = "The council approved 12 new buses on Monday."
SECOND = "They will run on the airport line from March."
THIRD = "Residents had asked for them </script><script>window.pwned = 1</script> for years."
SOURCE = f"{FIRST} {SECOND}\n\n{THIRD}"


def span(sentence: str) -> list[int]:
    start = SOURCE.index(sentence)
    return [start, start + len(sentence)]


def summary(lang: str, length: str, sentences: list[tuple[str, list]], failed=()) -> dict:
    checks = {name: {"ok": name not in failed} for name in
              ("language", "numbers", "names", "support", "repetition", "truncated")}
    return {"lang": lang, "length": length, "text": " ".join(t for t, _ in sentences),
            "checks": checks,
            "sentences": [{"text": t, "support": 1.0, "sources": s} for t, s in sentences]}


@pytest.fixture(scope="module")
def page_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    records = [
        {"id": "news/buses", "source": "news/buses.txt", "text": SOURCE, "summaries": [
            summary("en", "short", [(FIRST, [span(FIRST)])]),
            summary("en", "medium", [(FIRST, [span(FIRST)]), (SECOND, [span(SECOND)])]),
            summary("de", "short", [("Der Rat kaufte 13 Busse.", [span(FIRST)])],
                    failed=("numbers",)),
        ]},
        {"id": "<img src=x onerror=alert(1)>", "source": "evil.txt", "text": THIRD,
         "summaries": [summary("en", "short", [(THIRD, [[0, len(THIRD)]])])]},
        {"id": "gone", "source": "-", "text": None, "note": "Read from standard input.",
         "summaries": [summary("en", "short", [("Something.", [])])]},
    ]
    return write_index(out, records, title="test run")


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


def _highlighted(page) -> str:
    return "".join(page.eval_on_selector_all("#source .hl", "els => els.map(e => e.textContent)"))


def test_clicking_a_sentence_highlights_exactly_its_source_sentence(browser, page_path):
    page, problems = open_page(browser, page_path)
    cards = page.locator("#summaries .summary")
    assert cards.count() == 3
    cards.nth(1).locator(".sentence").nth(1).click()
    assert _highlighted(page) == SECOND
    cards.nth(0).locator(".sentence").nth(0).click()
    assert _highlighted(page) == FIRST
    cards.nth(1).locator(".sentence").nth(1).hover()  # hovering shows, leaving restores
    assert _highlighted(page) == SECOND
    page.mouse.move(1, 1)
    assert _highlighted(page) == FIRST
    assert page.locator("#source").inner_text() == SOURCE
    assert problems == []


def test_badges_and_the_problem_filter(browser, page_path):
    page, problems = open_page(browser, page_path)
    badges = page.eval_on_selector_all("#summaries .summary .badge.fail",
                                       "els => els.map(e => e.textContent)")
    assert badges == ["numbers"]
    page.check("#only-problems")
    visible = page.locator("#summaries .summary:visible")
    assert visible.count() == 1
    assert visible.locator("h3").inner_text().startswith("de · short")
    listed = page.eval_on_selector_all("#doc-list li", "els => els.map(e => e.dataset.index)")
    assert listed == ["0"], "documents without problems leave the list"
    page.uncheck("#only-problems")
    assert page.locator("#summaries .summary:visible").count() == 3
    assert page.locator("#doc-list li").count() == 3
    assert problems == []


def test_untrusted_text_stays_text_and_nothing_is_fetched(browser, page_path):
    page, problems = open_page(browser, page_path)
    page.locator("#doc-list li").nth(1).click()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#source").inner_text() == THIRD
    assert page.locator("#summaries h2").inner_text() == "<img src=x onerror=alert(1)>"
    assert page.locator("#summaries img").count() == 0
    page.locator("#doc-list li").nth(2).click()
    assert page.locator("#source .note").inner_text() == "Read from standard input."
    assert problems == []


def test_the_page_is_self_contained(page_path):
    html = page_path.read_text(encoding="utf-8")
    assert "</script><script>window.pwned" not in html
    for reference in ("http://", "https://", "src=\"", "<link", "@import", "url("):
        assert reference not in html.replace("<img src=x", ""), reference
