"""The benches use the library through its public names only, and docs/development.md
lists every one of them: a bench that starts to depend on something new says so there,
and a rename in the library that would break a bench breaks this test first."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = sorted((ROOT / "bench").glob("*.py"))


def bench_imports() -> set[tuple[str, str]]:
    """(module, name) of every ``from summarise... import name`` in bench/."""
    found = set()
    for path in BENCHES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("summarise"):
                found |= {(node.module, alias.name) for alias in node.names}
    return found


def documented() -> set[tuple[str, str]]:
    """The table under "What the benches import" in docs/development.md."""
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    section = text.split("## What the benches import", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([\w.]+)` \| (.+) \|$", section, flags=re.MULTILINE)
    return {(module, name) for module, names in rows for name in re.findall(r"`(\w+)`", names)}


def test_every_name_a_bench_imports_is_public_and_exists():
    imports = bench_imports()
    assert ("summarise.lengths", "ForcedLengths") in imports  # the parser finds them
    for module, name in sorted(imports):
        assert not any(part.startswith("_") for part in module.split(".")), module
        assert not name.startswith("_"), f"bench imports {module}.{name}"
        owner = importlib.import_module(module)
        if not hasattr(owner, name):  # a submodule: ``from summarise import devmodels``
            importlib.import_module(f"{module}.{name}")
        assert hasattr(owner, name), f"{module}.{name} is gone"


def test_docs_list_exactly_what_the_benches_import():
    imports, listed = bench_imports(), documented()
    assert imports - listed == set(), "imported by a bench but not listed"
    assert listed - imports == set(), "listed but no bench imports it any more"


def test_no_bench_reaches_into_an_underscore_attribute_of_the_library():
    reached = []
    for path in BENCHES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and ast.unparse(node.value) != "self"):
                reached.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert reached == []


def test_no_bench_sets_a_length_policy_through_the_settings():
    for path in BENCHES:
        assert "force_lengths" not in path.read_text(encoding="utf-8"), path.name
