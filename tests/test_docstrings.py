"""The examples in the installed package's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import storyfmt

# Every module but __main__, which runs the command when imported.
MODULES = ["storyfmt"] + [
    f"storyfmt.{info.name}"
    for info in pkgutil.iter_modules(storyfmt.__path__)
    if info.name != "__main__"
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
