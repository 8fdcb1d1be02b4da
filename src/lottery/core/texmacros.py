"""Generated LaTeX: macros for numbers quoted in the text, and table fragments.

Nothing the paper states as a result is typed by hand: rules write these files and the
paper ``\\input``s them.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

_NAME = re.compile(r"^[A-Za-z]+$")


def format_number(value: float, digits: int = 3) -> str:
    """A number for running text: plain for moderate magnitudes, a x 10^k form otherwise."""
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return f"{value:,}".replace(",", "{,}")
    if not math.isfinite(value):
        return r"\text{n/a}"
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


def macro_lines(macros: dict[str, str]) -> str:
    """``\\newcommand`` lines; names must be letters only (TeX control words)."""
    lines = []
    for name, value in macros.items():
        if not _NAME.match(name):
            raise ValueError(f"macro name {name!r} must contain letters only")
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}")
    return "\n".join(lines) + "\n"


def write_tex(text: str, path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text)


def camel(*words: object) -> str:
    """Join words into a letters-only macro name: ``camel('fit', 'leaky_relu') == 'FitLeakyRelu'``."""
    digits = dict(zip("0123456789", ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]))
    out = []
    for word in words:
        for part in re.split(r"[^A-Za-z0-9]+", str(word)):
            part = "".join(digits.get(ch, ch) for ch in part)
            out.append(part[:1].upper() + part[1:])
    return "".join(out)
