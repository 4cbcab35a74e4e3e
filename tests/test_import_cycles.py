"""No circle among the modules of ``cli/`` and ``eval/``: each layer imports only those
below it at module level (an import inside a function, or under ``TYPE_CHECKING``, runs
later and closes no circle). Read from the source with ``ast``; nothing is imported."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Where each package's source is (pyproject.toml's package-dir).
PACKAGES = {"summarise": ROOT / "cli", "summarise.eval": ROOT / "eval"}


def module_files() -> dict[str, Path]:
    """Every module by its import name."""
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def runtime_imports(tree: ast.Module):
    """Import statements that run when the module is imported: at the top level, or in
    a top-level ``if``/``try`` other than ``if TYPE_CHECKING``."""
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            yield from runtime_imports(ast.Module(body=node.body + node.orelse,
                                                  type_ignores=[]))
        elif isinstance(node, ast.Try):
            yield from runtime_imports(ast.Module(body=node.body, type_ignores=[]))


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that ``name`` imports at module level."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        else:
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            if node.level == 0:
                base = node.module or ""
            elif node.module:
                base = f"{base}.{node.module}"
            bases = [base]
            names = [alias.name for alias in node.names]
        for base in bases:
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in known]
            targets |= set(submodules) or ({base} & known)
            if names and len(submodules) < len(names) and base in known:
                targets.add(base)  # a name defined in the package itself
    return targets - {name}


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imported_modules(name, path, set(files)) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of the graph as the modules along it, or [] if there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_the_modules_of_cli_and_eval_import_each_other_without_a_circle():
    graph = import_graph()
    assert len(graph) > 50 and "summarise.job" in graph and "summarise.eval.systems" in graph
    assert {"summarise.executor", "summarise.pipeline"} <= graph["summarise.job"]
    cycle = find_cycle(graph)
    assert not cycle, "import circle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_circle_and_the_graph_sees_relative_imports(tmp_path):
    """The oracle for the test above: a known circle is found, a chain is not, and the
    reader resolves ``from ..x import y``, ``from . import x`` and TYPE_CHECKING."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    source = tmp_path / "mod.py"
    source.write_text("from typing import TYPE_CHECKING\nfrom ..plan import Plan\n"
                      "from . import kinds\nif TYPE_CHECKING:\n    from ..job import JobSpec\n"
                      "def later():\n    from ..job import run_job\n", encoding="utf-8")
    known = {"summarise.plan", "summarise.job", "summarise.models", "summarise.models.kinds"}
    assert imported_modules("summarise.models.mod", source, known) == {
        "summarise.plan", "summarise.models.kinds"}
