"""Generated LaTeX: macro names and number formatting."""
from __future__ import annotations

import pytest

from lottery.core.texmacros import camel, format_number, macro_lines


def test_camel_makes_letters_only_names() -> None:
    assert camel("alpha", "x2", "leaky_relu", "wide") == "AlphaXTwoLeakyReluWide"


def test_numbers_are_formatted_for_text() -> None:
    assert format_number(0.0123) == "0.0123"
    assert format_number(1.5e-7) == r"1.50\times 10^{-7}"
    assert format_number(50000) == "50{,}000"


def test_macro_lines_refuse_bad_names() -> None:
    assert macro_lines({"Foo": "1"}) == "\\newcommand{\\Foo}{1}\n"
    with pytest.raises(ValueError, match="letters only"):
        macro_lines({"Foo2": "1"})
