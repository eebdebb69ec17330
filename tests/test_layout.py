"""The tree reads as the pipeline: imports run down it only, and nothing imports in a circle.

Layers, lowest first (a module may import its own package and any lower layer):
text → models, concepts → indexing/search_indexes → topics, entities, concepts.store →
stories → ingest, search → feeds →
the app's web and admin modules → evaluation → management commands.
Packages on one layer do not import each other; runtime code never imports evaluation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "articles"

LAYERS = {
    "articles.text": 0,
    "articles.models": 1,
    # The glossary is pure (text only), so that any layer may read it; its database side
    # (the Concept rows the search reads) sits beside entities.
    "articles.concepts": 1,
    "articles.concepts.store": 3,
    "articles.indexing": 2,
    "articles.search_indexes": 2,
    "articles.topics": 3,
    "articles.entities": 3,
    "articles.stories": 4,
    "articles.ingest": 5,
    "articles.search": 5,
    "articles.feeds": 6,
    "articles.evaluation": 8,
    "articles.management": 9,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.parts
    }


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the app this module imports, at any depth in its code."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                # `from articles.stories import grouping` imports a module, not a name.
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {target for target in found if target in known}


# The app's own modules at its root, which may import one another.
APP_ROOT = {
    "admin",
    "apps",
    "checks",
    "export",
    "forms",
    "middleware",
    "search_backend",
    "templatetags",
    "urls",
    "views",
    "worker",
    "workspace",  # the analyst's pages: downloads, accounts, saved searches, comparisons
}


def layer(name: str) -> tuple[str, int]:
    if name.removeprefix("articles.").split(".")[0] in APP_ROOT:
        return "articles (web and admin)", 7
    for prefix, rank in sorted(LAYERS.items(), key=lambda item: -len(item[0])):
        if name == prefix or name.startswith(prefix + "."):
            return prefix, rank
    raise AssertionError(f"{name} is in no layer of tests/test_layout.py: place it")


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def test_every_module_has_a_layer() -> None:
    for name in modules():
        if name != "articles":
            layer(name)


def test_imports_run_down_the_pipeline() -> None:
    upward = []
    for name, targets in graph().items():
        if name == "articles":
            continue
        home, rank = layer(name)
        for target in targets:
            there, target_rank = layer(target)
            if there != home and target_rank >= rank:
                upward.append(f"{name} imports {target} ({home} {rank} -> {there} {target_rank})")
    assert upward == []


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycles() -> None:
    assert find_cycles(graph()) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_find_cycles_finds_a_circle(edges: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert find_cycles(edges) == expected


def test_an_upward_import_is_reported(tmp_path: Path) -> None:
    text = "from articles.search import run\n"
    path = tmp_path / "dates.py"
    path.write_text(text)
    targets = imports("articles.text.dates", path, {"articles.search", "articles.text"})
    assert targets == {"articles.search"}
    assert layer("articles.search")[1] >= layer("articles.text.dates")[1]


def test_class_names_are_unique_across_the_app() -> None:
    seen: dict[str, list[str]] = {}
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            # Command is the name Django requires of every management command.
            if isinstance(node, ast.ClassDef) and node.name not in {"Command", "Meta"}:
                seen.setdefault(node.name, []).append(name)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
