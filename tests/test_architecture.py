"""Imports run one way (docs/architecture.md): commands -> paper packages -> core. The core
knows no paper, the two papers' packages never import each other, and nothing but the
command layer imports it. Read with ``ast`` (every import, also those inside functions)."""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src"
PAPERS = ("liu_tegmark", "arora")
ENTRY = ("commands", "cli", "__main__")  # the command layer and the entry points that dispatch to it


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str:
    """``lottery.liu_tegmark.nets`` -> ``liu_tegmark``; ``lottery.figures`` -> ``figures``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@lru_cache(maxsize=None)
def lottery_imports() -> dict[str, set[str]]:
    """Every module of the package and the ``lottery.*`` modules it imports."""
    out = {}
    for path in sorted((SRC / "lottery").rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                name = ".".join([*base, node.module] if node.module else base)
                found |= {name} | {f"{name}.{alias.name}" for alias in node.names}
        out[module] = {m for m in found if m == "lottery" or m.startswith("lottery.")}
    return out


def _offenders(rooms: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {imported}"
                  for module, imports in lottery_imports().items() if _room(module) in rooms
                  for imported in imports if _room(imported) in forbidden)


def test_the_imports_are_found() -> None:
    imports = lottery_imports()
    assert "lottery.core.storage" in imports["lottery.liu_tegmark.store"]
    assert "lottery.liu_tegmark.activations" in imports["lottery.liu_tegmark.trainer"]
    assert any(m.startswith("lottery.liu_tegmark") for m in imports["lottery.commands.lt_train"])


def test_core_imports_no_paper_and_nothing_above_it() -> None:
    rooms = {_room(m) for m in lottery_imports()} - {"core", ""}
    assert _offenders(("core",), tuple(rooms)) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_a_paper_package_never_imports_the_other(paper: str) -> None:
    other = tuple(p for p in PAPERS if p != paper)
    assert _offenders((paper,), other) == []


def test_only_the_command_layer_imports_commands() -> None:
    rooms = {_room(m) for m in lottery_imports()} - set(ENTRY)
    assert _offenders(tuple(rooms), ENTRY) == []


def test_the_figures_registry_imports_nothing_of_the_package() -> None:
    assert lottery_imports()["lottery.figures"] == set()


def test_the_two_papers_have_one_shape() -> None:
    """The same subpackages, and the same module name for the same role (docs/architecture.md)."""
    root = SRC / "lottery"
    subpackages = [{p.name for p in (root / paper).iterdir() if (p / "__init__.py").is_file()} for paper in PAPERS]
    assert subpackages[0] == subpackages[1] == {"analysis", "plots", "report"}
    for role in ("trainer.py", "job.py", "store.py"):
        assert all((root / paper / role).is_file() for paper in PAPERS), role
