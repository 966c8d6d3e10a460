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
from storyfmt._render import to_html, to_markdown
from storyfmt._rules import validate
from storyfmt._serialize import from_json, from_yaml, json_schema, to_json, to_yaml
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
    "from_yaml",
    "json_schema",
    "load",
    "loads",
    "to_html",
    "to_json",
    "to_markdown",
    "to_yaml",
    "validate",
]
