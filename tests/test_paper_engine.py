"""The LaTeX engine is a config key: each allowed engine builds a document, a wrong one is refused."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lottery.core.latex import ENGINES, PaperError, build_pdf

REPO = Path(__file__).resolve().parents[1]


def test_schema_engines_are_the_ones_latexmk_is_driven_with() -> None:
    schema = yaml.safe_load((REPO / "config" / "schema.yaml").read_text())
    assert schema["properties"]["paper"]["properties"]["engine"]["enum"] == list(ENGINES)


def test_an_unknown_engine_names_the_config_key(tmp_path: Path) -> None:
    with pytest.raises(PaperError, match="paper.engine"):
        build_pdf(tmp_path / "x.tex", tmp_path / "x.pdf", engine="context")


@pytest.mark.parametrize("engine", list(ENGINES))
def test_each_installed_engine_builds_a_pdf(engine: str, tmp_path: Path, monkeypatch) -> None:
    if shutil.which(engine) is None or shutil.which("latexmk") is None:
        pytest.skip(f"{engine} is not installed here")
    monkeypatch.chdir(tmp_path)
    Path("doc.tex").write_text("\\documentclass{article}\\begin{document}Hello\\end{document}\n")
    build_pdf("doc.tex", "out/doc.pdf", engine)
    assert Path("out/doc.pdf").read_bytes().startswith(b"%PDF")
