"""The package's shape: no import cycles, a public surface that imports, real signatures."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import hubframe

PACKAGE = Path(hubframe.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at module level or inside functions, except under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the hubframe modules it imports (as written; parents are not implied)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                # ``from pkg import sub`` imports the submodule when there is one.
                targets = [
                    f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in modules else stem
                    for alias in node.names
                ]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strongconnect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    return found


def test_the_graph_sees_imports_of_every_kind():
    """The checker itself: relative, absolute, deferred and submodule imports are edges;
    TYPE_CHECKING imports are not."""
    graph = import_graph()
    assert "hubframe.errors" in graph["hubframe.client"]  # from .errors import ...
    assert "hubframe.resources" in graph["hubframe.client"]  # deferred, inside a property
    assert "hubframe.frames" in graph["hubframe.resources.base"]  # from .. import frames
    assert "hubframe.client" not in graph["hubframe.resources.base"]  # TYPE_CHECKING only
    looped = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(looped) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_every_public_name_imports():
    for name in hubframe.__all__:
        assert getattr(hubframe, name) is not None, name
    assert hubframe.__all__ == sorted(
        hubframe.__all__, key=str.lower
    ) or hubframe.__all__ == sorted(hubframe.__all__)
    for module in ("hubframe.resources", "hubframe.export", "hubframe.portal", "hubframe.widgets",
                   "hubframe.sandbox"):  # fmt: skip
        mod = importlib.import_module(module)
        for name in getattr(mod, "__all__", ()):
            assert hasattr(mod, name), f"{module}.{name}"


def test_export_method_shows_its_real_parameters():
    hs = hubframe.HubSpot(token="x" * 20)
    params = inspect.signature(hs.contacts.export).parameters
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for name in ("path", "properties", "search", "associations", "archived", "progress",
                 "resume", "parallel", "row_group_size", "on_page"):  # fmt: skip
        assert name in params, name
    assert "properties" in (hs.contacts.export.__doc__ or "")


def test_the_floors_architecture_md_draws():
    """ARCHITECTURE.md's floors, as the imports have them."""
    graph = import_graph()
    assert graph["hubframe.errors"] == set() and graph["hubframe.dtypes"] == set()
    for low in ("validate", "paths", "tokens", "_retry", "_ratelimit", "account"):
        assert graph[f"hubframe.{low}"] <= {"hubframe.errors"}, low
    assert graph["hubframe.answers"] <= {"hubframe.errors", "hubframe._retry"}

    def in_cli(name: str) -> bool:
        return name == "hubframe.cli" or name.startswith("hubframe.cli.")

    outside_cli = [m for m, deps in graph.items() if not in_cli(m) and any(map(in_cli, deps))]
    assert outside_cli == []
