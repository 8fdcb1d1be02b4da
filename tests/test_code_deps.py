"""Rules depend on the code they run: the source closure of each command is right."""
from __future__ import annotations

import pytest

from lottery.commands import COMMANDS
from lottery.cli import _parser
from lottery.core.code_deps import code_files

_parser()  # imports every command module, filling COMMANDS


def _rel(command: str) -> set[str]:
    return {f.split("/src/lottery/")[1] for f in code_files(command)}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_runs_its_own_module_and_no_dispatcher(command: str) -> None:
    files = _rel(command)
    module = COMMANDS[command][0].__module__.removeprefix("lottery.").replace(".", "/") + ".py"
    assert module in files
    assert not files & {"cli.py", "__main__.py", "commands/__init__.py", "__init__.py"}


@pytest.mark.parametrize("command", sorted(c for c in COMMANDS if c.startswith("fig-")))
def test_lt_figure_commands_do_not_depend_on_training_code(command: str) -> None:
    """Restyling an [LT] figure never retrains (an [AR] figure may: its calibration reuses the IMP predictor)."""
    assert not {f for f in _rel(command) if f.endswith(("trainer.py", "fused.cpp", "grid_job.py"))}


def test_training_depends_on_the_kernel_source_but_on_no_plot() -> None:
    files = _rel("train-grid")
    assert {"liu_tegmark/trainer.py", "liu_tegmark/fused.py", "liu_tegmark/fused.cpp"} <= files
    assert not {f for f in files if "plots" in f or f.endswith("style.py")}


def test_the_paper_depends_only_on_the_latex_builder() -> None:
    assert _rel("paper") == {"commands/paper.py", "core/latex.py"}


def test_an_unknown_command_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no-such-command"):
        code_files("no-such-command")
