"""The install is complete: every module the code imports is present and declared.

Readers and backends import their libraries lazily (so ``--help`` stays fast), which
means a missing library would otherwise surface only at run time, one file at a time,
as "could not be read ... please report this". These tests import all of it up front.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import pkgutil
import re
import sys
import tomllib
from pathlib import Path

import pytest
from reading_samples import GERMAN, HTML_PAGE, NAV

ROOT = Path(__file__).resolve().parents[1]
# The package, and the tests and benchmarks that CI runs with the same install.
SOURCES = [ROOT / "cli", ROOT / "eval", ROOT / "prompts", ROOT / "tests", ROOT / "bench"]


def _imported_top_level_modules() -> set[str]:
    """Top-level names of every ``import`` in the sources, lazy ones included."""
    names: set[str] = set()
    local: set[str] = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            local.add(path.stem)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - local - {"summarise", "__future__"}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared_distributions() -> set[str]:
    """Distribution names in summarise's requirements, extras included."""
    requirements = importlib.metadata.requires("summarise") or []
    return {_normalised(re.match(r"[A-Za-z0-9._-]+", req).group()) for req in requirements}


def _requirements_by_extra() -> dict[str, set[str]]:
    """Normalised distribution names per extra ("" for the core requirements)."""
    by_extra: dict[str, set[str]] = {}
    for requirement in importlib.metadata.requires("summarise") or []:
        name = _normalised(re.match(r"[A-Za-z0-9._-]+", requirement).group())
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", requirement)
        by_extra.setdefault(extra.group(1) if extra else "", set()).add(name)
    return by_extra


# What the README's install line installs: the core requirements and the [test] extra.
README_INSTALL = ("", "test")


def extras_only_providing(module: str) -> list[str]:
    """The optional extras, outside the README's install, that alone declare ``module``'s
    distribution (by the usual name match: ``import ray`` is distribution ``ray``)."""
    by_extra = _requirements_by_extra()
    if any(_normalised(module) in by_extra.get(extra, set()) for extra in README_INSTALL):
        return []
    return sorted(extra for extra, names in by_extra.items() if _normalised(module) in names)


def _case(module: str):
    """One parametrised case; a module only an extra provides carries the `extras` marker,
    so CI runs it again in the step that installs the extras."""
    if extras_only_providing(module):
        return pytest.param(module, marks=pytest.mark.extras)
    return module


THIRD_PARTY = sorted(_imported_top_level_modules())


def test_the_source_scan_finds_the_libraries_we_know_are_used():
    # Guards the scan itself: if it found nothing, the tests below would pass vacuously.
    assert {"torch", "transformers", "trafilatura", "ctranslate2", "pypdf", "docx"} <= set(
        THIRD_PARTY)


@pytest.mark.parametrize("module", [_case(module) for module in THIRD_PARTY])
def test_every_library_the_code_imports_is_installed_and_declared(module):
    extras = extras_only_providing(module)
    if extras and importlib.util.find_spec(module) is None:
        pytest.skip(f"`import {module}` needs an extra the README's install leaves out: "
                    f"pip install -e '.[{extras[0]}]'")
    importlib.import_module(module)
    distributions = importlib.metadata.packages_distributions().get(module, [])
    assert distributions, f"{module} is importable but belongs to no installed distribution"
    declared = _declared_distributions()
    assert any(_normalised(d) in declared for d in distributions), (
        f"`import {module}` (distribution {distributions}) is not declared in pyproject.toml")


def test_a_library_only_an_extra_declares_is_told_apart_from_an_undeclared_one():
    # ray is declared only by [ray]; pyarrow by [test] too; torch by the core; a module
    # nobody declares gets no extra, so a missing one still fails instead of skipping.
    assert extras_only_providing("ray") == ["ray"]
    assert extras_only_providing("datasets") == ["datasets"]
    assert extras_only_providing("pyarrow") == []
    assert extras_only_providing("torch") == []
    assert extras_only_providing("not_a_declared_library") == []


def _all_package_modules() -> list[str]:
    """Every module of the installed packages; each folder in pyproject's ``package-dir``
    (cli/, eval/, prompts/) is walked, since one walk of ``summarise`` misses the others."""
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-dir"]
    found = set(roots)
    for root in roots:
        package = importlib.import_module(root)
        found.update(info.name for info in pkgutil.walk_packages(package.__path__, root + "."))
    return sorted(name for name in found if not name.endswith("__main__"))


def test_package_walk_covers_readers_and_backends():
    modules = _all_package_modules()
    expected = {"summarise.reading.markup", "summarise.reading.office", "summarise.reading.jsonl",
                "summarise.models.ct2", "summarise.models.chat", "summarise.models.instruct",
                "summarise.eval.harness", "summarise.prompts"}
    assert expected <= set(modules)


@pytest.mark.parametrize("module", _all_package_modules())
def test_every_summarise_module_imports(module):
    importlib.import_module(module)


def test_html_goes_through_trafilatura_and_its_lxml_cleaner():
    """The path that broke when lxml 6 moved ``lxml.html.clean`` into its own project:
    trafilatura (via jusText) imports the cleaner when it is first used."""
    import trafilatura

    importlib.import_module("lxml.html.clean")
    text = trafilatura.extract(HTML_PAGE, include_tables=True)
    assert text and GERMAN.split(".")[0] in text
    assert NAV not in text


def test_an_html_file_reads_without_a_converter_failure(tmp_path):
    from summarise.documents import Document, Source
    from summarise.reading import read_source

    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")
    (document,) = read_source(Source(page, "page"))
    assert isinstance(document, Document)
    assert "Straßenbahnlinien" in document.text and NAV not in document.text


def test_the_html_clean_extra_warning_of_an_old_pip_is_only_a_name_mismatch():
    """jusText (under trafilatura) asks for ``lxml[html_clean]``; lxml's metadata names the
    extra ``html-clean`` (PEP 685 normalised), which pip before PEP 685 support (Python
    3.11's bundled 23.2) does not match, warning "does not provide the extra". The extra
    only adds lxml_html_clean, which summarise declares itself, so nothing is missing."""
    import importlib.metadata as metadata

    justext = [r for r in metadata.requires("justext") or [] if r.startswith("lxml")]
    assert any(re.match(r"lxml\[html[-_]clean\]", r) for r in justext), justext
    lxml_meta = metadata.metadata("lxml")
    extras = {_normalised(e) for e in lxml_meta.get_all("Provides-Extra") or []}
    assert "html-clean" in extras
    adds = [r for r in lxml_meta.get_all("Requires-Dist") or [] if "html" in r and "clean" in r]
    assert [_normalised(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in adds] == [
        "lxml-html-clean"]
    assert "lxml-html-clean" in _requirements_by_extra()[""]
    importlib.import_module("lxml_html_clean")
