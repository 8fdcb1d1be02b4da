"""Which source files a ``python -m lottery`` command runs, so that rules can list them as inputs.

Snakemake's code trigger sees only a rule's shell line, never the Python it calls; without
this, editing a plotting or training module reruns nothing and the paper keeps figures made
by old code. Each rule therefore declares the files of the code its command runs: the
command's module, the imports of the command's own function, and everything those import in
turn (module-level and function-level, since any function may be called). A file beside an
imported module with the same stem and another suffix (the fused kernel's ``.cpp``) counts
too. Dispatch-only modules are left out: editing the CLI must not retrain anything.

The closure is found by reading the sources (``ast``), not by importing them, so that it is
cheap enough to compute for every rule each time Snakemake parses the workflow.
"""
from __future__ import annotations

import ast
import hashlib
from functools import cache
from typing import Iterator
from pathlib import Path

PACKAGE = "lottery"
ROOT = Path(__file__).resolve().parents[1]
DISPATCH_ONLY = {"lottery", "lottery.__main__", "lottery.cli", "lottery.commands"}


@cache
def _module_file(module: str) -> Path | None:
    rel = Path(*module.split(".")[1:])
    for candidate in (ROOT / rel.with_suffix(".py"), ROOT / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join((PACKAGE, *parts))


def _is_type_checking_block(stmt: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` imports never run, so they are no dependency."""
    return isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Name) and stmt.test.id == "TYPE_CHECKING"


def _import_statements(nodes: list[ast.AST]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements among ``nodes`` and the statements nested in them (function and class
    bodies, branches, handlers); only statements are visited, as only they can import."""
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not _is_type_checking_block(node):
            for block in ("body", "orelse", "handlers", "finalbody", "cases"):
                yield from _import_statements(getattr(node, block, []))


def _imported_modules(nodes: list[ast.AST], importer: str) -> set[str]:
    """Package modules imported anywhere in ``nodes`` (``from x import y`` may name a module y)."""
    found = set()
    for sub in _import_statements(nodes):
        if isinstance(sub, ast.Import):
            found.update(a.name for a in sub.names if a.name.split(".")[0] == PACKAGE)
            continue
        if sub.level:
            raise ValueError(f"{importer}: relative import; the package imports absolutely, which is what "
                             f"the rules' code inputs are read from")
        module = sub.module or ""
        if module.split(".")[0] != PACKAGE:
            continue
        found.add(module)
        found.update(f"{module}.{a.name}" for a in sub.names if _module_file(f"{module}.{a.name}"))
    return {m for m in found if _module_file(m)}


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


@cache
def _module_imports(module: str) -> frozenset[str]:
    """The package modules ``module`` imports; read once per workflow parse, as every rule's
    closure walks the same shared modules."""
    return frozenset(_imported_modules(_tree(_module_file(module)).body, module))


def _closure(modules: set[str]) -> set[str]:
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module in seen or module in DISPATCH_ONLY:
            continue
        seen.add(module)
        todo.extend(_module_imports(module))
    return seen


def _command_function(command: str) -> tuple[Path, ast.FunctionDef]:
    """The module file and function registered as ``command`` (found by its ``@command`` decorator)."""
    for path in sorted((ROOT / "commands").glob("*.py")):
        for node in _tree(path).body:
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    if (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "command" and deco.args
                            and isinstance(deco.args[0], ast.Constant) and deco.args[0].value == command):
                        return path, node
    raise KeyError(f"no `python -m lottery {command}` command is registered in {ROOT / 'commands'}")


@cache
def code_files(command: str) -> tuple[str, ...]:
    """Sorted source files that ``python -m lottery COMMAND`` runs (absolute paths)."""
    path, function = _command_function(command)
    module = _module_name(path)
    top_level = [n for n in _tree(path).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    direct = _imported_modules(top_level, module) | _imported_modules([function], module)
    files = {path} | {_module_file(m) for m in _closure(direct)}
    companions = {f for p in files for f in p.parent.glob(p.stem + ".*") if f.suffix not in (".py", ".pyc")}
    return tuple(sorted(str(f) for f in files | companions))


@cache
def module_code_files(module: str) -> tuple[str, ...]:
    """Sorted source files that importing ``module`` runs (absolute paths): for code a command
    imports by name at run time, such as a figure's plot function."""
    if _module_file(module) is None:
        raise KeyError(f"no module {module} in {ROOT}")
    return tuple(sorted(str(_module_file(m)) for m in _closure({module})))


def code_digest(command: str) -> str:
    """SHA-256 of the files ``command`` runs (paths relative to the package and contents): equal
    digests mean the command's code is byte-identical, so its outputs from the same inputs are too."""
    digest = hashlib.sha256()
    for name in code_files(command):
        path = Path(name)
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
