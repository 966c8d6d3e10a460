"""storyfmt: read, validate, write and convert story cards and story briefs.

The API mirrors :mod:`json` and :mod:`tomllib`::

    >>> import storyfmt
    >>> card = storyfmt.loads("20\\nJapan Korea Summit\\nSanae Takaichi / Nara, Japan /\\n")
    >>> card.tags
    ('Sanae Takaichi', 'Nara, Japan')
    >>> print(storyfmt.dumps(card), end="")
    20
    Japan Korea Summit
    Sanae Takaichi / Nara, Japan /
"""

from storyfmt._diagnostics import Diagnostic, StoryFormatError
from storyfmt._models import (
    Breakdown,
    Duration,
    DurationUnit,
    FrozenDict,
    QuestionAnswer,
    Stats,
    Story,
    StoryBrief,
    StoryCard,
)
from storyfmt._parser import load, loads
from storyfmt._rules import validate
from storyfmt._serialize import from_json, to_json
from storyfmt._writer import dump, dumps

__version__ = "0.1.0"

__all__ = [
    "Breakdown",
    "Diagnostic",
    "Duration",
    "DurationUnit",
    "FrozenDict",
    "QuestionAnswer",
    "Stats",
    "Story",
    "StoryBrief",
    "StoryCard",
    "StoryFormatError",
    "__version__",
    "dump",
    "dumps",
    "from_json",
    "load",
    "loads",
    "to_json",
    "validate",
]
