"""Files of the source tree that the package reads at run time, such as the grammar."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_text(relative: str) -> str:
    """The text of a file of the source tree, by its path there (``grammar/story.lark``).

    Wheels carry such files as package data at the same path inside the package;
    an editable install of a source checkout reads them from the checkout.
    """
    packaged = resources.files("storyfmt").joinpath(relative)
    if packaged.is_file():
        return packaged.read_text("utf-8")
    return (Path(__file__).resolve().parents[2] / relative).read_text("utf-8")
