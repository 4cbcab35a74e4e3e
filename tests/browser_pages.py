"""The project's HTML pages opened as a reader opens them: from disk, in headless Chromium
(Debian's, no browser download) driven by Playwright. A test module that imports this is
skipped with the reason shown when playwright is missing; ``needs_chromium`` skips its
tests when there is no Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(),
    reason="no Chromium at /usr/bin/chromium (.ci/run installs Debian's: apt-get install "
           "chromium)")


@contextmanager
def chromium() -> Iterator:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, path: Path):
    """The page at ``path`` and a list that collects what must not happen: console
    errors, uncaught exceptions and any request that leaves the disk."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: errors.append(f"network request {r.url}")
            if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors
