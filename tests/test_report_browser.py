"""The HTML reports in a real browser: headless Chromium (Debian's) driven by Playwright.

Both reports are opened from disk, as a reader would: every document row is there, a
header click sorts the rows (a second click reverses them), a row opens to show the
texts with matched words marked (unpacked on the first click from the page's
gzip-compressed block), and the page logs no console error.  Without a browser
the tests are skipped with the reason shown (``-ra``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_pages import chromium, needs_chromium, open_page
from eval_runs import lead_reports

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    runs = lead_reports(tmp_path_factory.mktemp("reports"), "--group-by", "id-prefix")
    return {"eval": runs["lead-3"] / "report.html", "compare": runs["compare"] / "report.html"}


@pytest.fixture(scope="module")
def browser():
    with chromium() as opened:
        yield opened


def _column(page, table: str, index: int) -> list[str]:
    return page.eval_on_selector_all(
        f"{table} tbody tr.doc", f"rows => rows.map(r => r.cells[{index}].dataset.value)")


@pytest.mark.parametrize("kind", ["eval", "compare"])
def test_report_sorts_expands_and_logs_no_error(browser, reports, kind, tmp_path):
    page, errors = open_page(browser, reports[kind])
    table = "table.docs"
    rows = page.locator(f"{table} tbody tr.doc")
    assert rows.count() == 20  # every document of the slice
    headers = page.locator(f"{table} thead th")
    numeric = next(i for i in range(headers.count())
                   if headers.nth(i).get_attribute("data-type") == "number")
    before = _column(page, table, 0)
    headers.nth(numeric).click()
    values = [float(v) for v in _column(page, table, numeric)]
    assert values == sorted(values)
    assert _column(page, table, 0) != before  # the rows moved
    headers.nth(numeric).click()
    assert [float(v) for v in _column(page, table, numeric)] == sorted(values, reverse=True)
    assert page.locator(f"{table} tbody tr.detail").count() == 0
    rows.first.click()
    detail = page.locator(f"{table} tbody tr.detail")
    detail.wait_for(timeout=10_000)  # the texts are unpacked on the first click
    assert detail.count() == 1
    text = detail.inner_text()
    if kind == "eval":
        assert "Prediction" in text and "Reference" in text and "Source" in text
        assert detail.locator("mark").count() > 0  # matched words are highlighted
        predictions = [json.loads(line) for line in (reports["eval"].parent /
                       "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
        shown = page.locator(f"{table} tbody tr.doc").first.get_attribute("data-key")
        prediction = next(p["text"] for p in predictions if shown.startswith(p["id"] + "/"))
        assert prediction.split()[0] in text
    else:
        assert "A: lead-3" in text and "B: lead-1" in text
    rows.first.scroll_into_view_if_needed()
    shot = tmp_path / f"{kind}-report.png"  # the sorted table with one row open
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    rows.first.click()
    assert page.locator(f"{table} tbody tr.detail").count() == 0
    rows.nth(1).click()  # a second row opens from the texts already unpacked
    page.locator(f"{table} tbody tr.detail").wait_for(timeout=10_000)
    assert rows.nth(1).evaluate("r => r.nextElementSibling.classList.contains('detail')")
    assert errors == []
    page.close()
