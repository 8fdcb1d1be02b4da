"""The pinned environment: the lock covers every import, the conda env pins what the lock pins."""
from __future__ import annotations

import ast
import importlib.metadata
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "envs"))
import lock  # noqa: E402


def _imported_top_modules() -> set[str]:
    """Top-level modules the package, the Snakefile and the rules import (stdlib excluded)."""
    names = set()
    files = [*(REPO / "src").rglob("*.py"), REPO / "Snakefile", *(REPO / "workflow").rglob("*.smk")]
    for path in files:
        try:
            tree = ast.parse(path.read_text())
        except SyntaxError:  # .smk files are Snakemake's dialect: read their import lines only
            tree = ast.parse("\n".join(l for l in path.read_text().splitlines() if l.startswith(("import ", "from "))))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "lottery"}


def test_the_lock_pins_every_distribution_the_code_imports() -> None:
    pinned = lock.pins(lock.LOCK.read_text())
    providers = importlib.metadata.packages_distributions()
    missing = {}
    for module in _imported_top_modules():
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if not dists & set(pinned):
            missing[module] = sorted(dists)
    assert not missing, f"imported but not pinned in envs/requirements.lock: {missing} (run `bash run.sh lock`)"


def test_the_conda_env_pins_exactly_the_lock() -> None:
    assert lock.CONDA_ENV.read_text() == lock.conda_env(lock.pins(lock.LOCK.read_text())), (
        "envs/pipeline.yaml is out of date with envs/requirements.lock: run `bash run.sh lock`"
    )


def test_the_lock_pins_torch_by_its_public_version() -> None:
    assert lock.pins(lock.LOCK.read_text())["torch"] == "2.13.0"
    assert "+cpu" not in lock.LOCK.read_text()
