"""Rules depend on the code they run: the source closure of each command is right."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lottery.commands import COMMANDS
from lottery.cli import _parser
from lottery.core import code_deps
from lottery.core.code_deps import code_files, module_code_files
from lottery.figures import FIGURES

_parser()  # imports every command module, filling COMMANDS


def _relative(files: tuple[str, ...]) -> set[str]:
    return {str(Path(f).relative_to(code_deps.ROOT)) for f in files}


def _rel(command: str) -> set[str]:
    return _relative(code_files(command))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_runs_its_own_module_and_no_dispatcher(command: str) -> None:
    files = _rel(command)
    module = COMMANDS[command][0].__module__.removeprefix("lottery.").replace(".", "/") + ".py"
    assert module in files
    assert not files & {"cli.py", "__main__.py", "commands/__init__.py", "__init__.py"}


@pytest.mark.parametrize("figure", sorted(f.id for f in FIGURES.values() if f.plot))
def test_a_figure_depends_on_its_plot_module_and_never_on_lt_training_code(figure: str) -> None:
    """A figure's code is the figure command and its plot module's closure; restyling one never
    retrains [LT] grids (an [AR] figure's closure holds the IMP predictor, which its selection reuses)."""
    entry = FIGURES[figure]
    files = _rel("figure") | _relative(module_code_files(entry.plot_module))
    assert entry.plot_module.removeprefix("lottery.").replace(".", "/") + ".py" in files
    assert not {f for f in files if f.endswith(("liu_tegmark/trainer.py", "fused.cpp", "liu_tegmark/job.py"))}


def test_training_depends_on_the_kernel_source_but_on_no_plot() -> None:
    files = _rel("train-grid")
    assert {"liu_tegmark/trainer.py", "liu_tegmark/fused.py", "liu_tegmark/fused.cpp"} <= files
    assert not {f for f in files if "plots" in f or f.endswith("style.py")}


def test_the_paper_depends_only_on_the_latex_builder() -> None:
    assert _rel("paper") == {"commands/paper.py", "core/latex.py"}


def test_an_unknown_command_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no-such-command"):
        code_files("no-such-command")


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """The package copied to ``tmp_path``, read by code_deps as a fresh process would (no cache in memory)."""
    shutil.copytree(code_deps.ROOT, tmp_path / "lottery", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(code_deps, "ROOT", tmp_path / "lottery")

    def fresh_process() -> None:
        for cached in (code_deps._module_file, code_deps._module_imports, code_deps._import_cache,
                       code_deps.code_files, code_deps.module_code_files):
            cached.cache_clear()

    fresh_process()
    yield tmp_path / "lottery", fresh_process
    fresh_process()


def test_the_import_cache_serves_unchanged_files_and_rereads_an_edited_one(package_copy, monkeypatch) -> None:
    """Each Snakemake process reads the imports from the cache on disk, parsing only what changed."""
    root, fresh_process = package_copy
    assert _rel("paper") == {"commands/paper.py", "core/latex.py"}
    assert (root / "__pycache__" / "code_deps.json").is_file()

    fresh_process()
    latex = root / "core" / "latex.py"
    latex.write_text(latex.read_text() + "\n\ndef _later():\n    from lottery.core import errors\n")
    parsed, read = [], code_deps._read_imports
    monkeypatch.setattr(code_deps, "_read_imports", lambda path: parsed.append(path) or read(path))
    assert _rel("paper") == {"commands/paper.py", "core/latex.py", "core/errors.py"}
    assert parsed == [latex, root / "core" / "errors.py"], "only the edited file and the new import are parsed"
