"""Which source files a ``python -m lottery`` command runs, so that rules can list them as inputs.

Snakemake's code trigger sees only a rule's shell line, never the Python it calls; without
this, editing a plotting or training module reruns nothing and the paper keeps figures made
by old code. Each rule therefore declares the files of the code its command runs: the
command's module, the imports of the command's own function, and everything those import in
turn (module-level and function-level, since any function may be called). A file beside an
imported module with the same stem and another suffix (the fused kernel's ``.cpp``) counts
too. Dispatch-only modules are left out: editing the CLI must not retrain anything.

The closure is found by reading the sources (``ast``), not by importing them, so that it is
cheap enough to compute for every rule each time Snakemake parses the workflow; what each file
imports is kept on disk until the file changes (``_ImportCache``).
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Iterator

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


def _import_candidates(nodes: list[ast.AST], importer: str) -> list[str]:
    """Package module names the import statements in ``nodes`` may load: ``from x import y`` names
    x and, when y is a module, x.y (which names are modules is decided at use, by :func:`_existing`)."""
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
        found.update(f"{module}.{a.name}" for a in sub.names)
    return sorted(found)


def _existing(names: list[str]) -> set[str]:
    """The names that are package modules today (a cached name may have gained or lost its file)."""
    return {m for m in names if _module_file(m)}


def _registered_commands(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef]]:
    """The functions of a module registered as commands (by their ``@command("NAME", ...)`` decorator)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if (isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "command" and deco.args
                        and isinstance(deco.args[0], ast.Constant)):
                    yield deco.args[0].value, node


def _read_imports(path: Path) -> dict:
    """What one source file imports: anywhere (``all``), at its top level (``top``) and inside each
    command function it registers (``commands``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module = _module_name(path)
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return {"all": _import_candidates(tree.body, module), "top": _import_candidates(top_level, module),
            "commands": {name: _import_candidates([fn], module) for name, fn in _registered_commands(tree)}}


class _ImportCache:
    """The imports read from each source file, kept on disk beside Python's bytecode cache with the
    file's modification time and size. Every Snakemake process reads the closures (a SLURM job
    starts two), so each parses only the files changed since the last one, not the whole package."""

    def __init__(self) -> None:
        self.path = ROOT / "__pycache__" / "code_deps.json"
        self.reader = list(_stamp(Path(__file__)))  # a change of this module's reading empties the cache
        try:
            saved = json.loads(self.path.read_text())
        except (OSError, ValueError):
            saved = {}
        self.entries: dict[str, dict] = saved.get("files", {}) if saved.get("reader") == self.reader else {}
        self.changed = False

    def imports(self, path: Path) -> dict:
        key, stamp = str(path.relative_to(ROOT)), list(_stamp(path))
        entry = self.entries.get(key)
        if entry is None or entry["stamp"] != stamp:
            entry = self.entries[key] = {"stamp": stamp, **_read_imports(path)}
            self.changed = True
        return entry

    def save(self) -> None:
        """Write the cache when it changed."""
        if not self.changed:
            return
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(exist_ok=True)
            tmp.write_text(json.dumps({"reader": self.reader, "files": self.entries}))
            os.replace(tmp, self.path)
            self.changed = False
        except OSError:  # a read-only install parses again next time; no partial file is left
            with suppress(OSError):
                tmp.unlink()


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


@cache
def _import_cache() -> _ImportCache:
    return _ImportCache()


@cache
def _module_imports(module: str) -> frozenset[str]:
    """The package modules ``module`` imports; read once per workflow parse, as every rule's
    closure walks the same shared modules."""
    return frozenset(_existing(_import_cache().imports(_module_file(module))["all"]))


def _closure(modules: set[str]) -> set[str]:
    seen, todo = set(), list(modules)
    while todo:
        module = todo.pop()
        if module in seen or module in DISPATCH_ONLY:
            continue
        seen.add(module)
        todo.extend(_module_imports(module))
    return seen


def _command_imports(command: str) -> tuple[Path, set[str]]:
    """The module file of ``command`` and the package modules it runs directly: its module's
    top-level imports and the imports inside the command's function."""
    for path in sorted((ROOT / "commands").glob("*.py")):
        entry = _import_cache().imports(path)
        if command in entry["commands"]:
            return path, _existing(entry["top"] + entry["commands"][command])
    raise KeyError(f"no `python -m lottery {command}` command is registered in {ROOT / 'commands'}")


@cache
def code_files(command: str) -> tuple[str, ...]:
    """Sorted source files that ``python -m lottery COMMAND`` runs (absolute paths)."""
    path, direct = _command_imports(command)
    files = {path} | {_module_file(m) for m in _closure(direct)}
    _import_cache().save()
    companions = {f for p in files for f in p.parent.glob(p.stem + ".*") if f.suffix not in (".py", ".pyc")}
    return tuple(sorted(str(f) for f in files | companions))


@cache
def module_code_files(module: str) -> tuple[str, ...]:
    """Sorted source files that importing ``module`` runs (absolute paths): for code a command
    imports by name at run time, such as a figure's plot function."""
    if _module_file(module) is None:
        raise KeyError(f"no module {module} in {ROOT}")
    closure = _closure({module})
    _import_cache().save()
    return tuple(sorted(str(_module_file(m)) for m in closure))


def code_digest(command: str) -> str:
    """SHA-256 of the files ``command`` runs (paths relative to the package and contents): equal
    digests mean the command's code is byte-identical, so its outputs from the same inputs are too."""
    digest = hashlib.sha256()
    for name in code_files(command):
        path = Path(name)
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
