"""Files of the source tree that the package reads at run time, such as the grammar."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache  # the grammar is read by the pattern cache, then by the parser
def shipped_text(relative: str) -> str:
    """The text of a file of the source tree, by its path there (``grammar/story.lark``).

    Wheels carry such files as package data at the same path inside the package;
    an editable install of a source checkout reads them from the checkout. Only
    a package imported from a zip archive needs :mod:`importlib.resources`,
    which is not imported otherwise (it costs start-up time).
    """
    for path in (_PACKAGE / relative, _PACKAGE.parents[1] / relative):
        if path.is_file():
            return path.read_text("utf-8")
    from importlib import resources  # noqa: PLC0415

    return resources.files("storyfmt").joinpath(relative).read_text("utf-8")
