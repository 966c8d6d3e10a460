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

from typing import TYPE_CHECKING, Any

# First: it puts the patterns kept in the user's cache in re's cache, before
# anything below (storyfmt, pydantic, lark) compiles them.
from storyfmt import _regexcache  # isort: skip
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

if TYPE_CHECKING:
    from storyfmt._config import Config, ConfigError
    from storyfmt._engine import Fixed, RuleError, check, fix, format
    from storyfmt._render import to_html, to_markdown
    from storyfmt._rules import validate
    from storyfmt._serialize import from_json, from_yaml, json_schema, to_json, to_yaml
    from storyfmt._writer import dump, dumps

__version__ = "0.1.0"

_regexcache.keep()

# Reading a story needs the models and the parser, and nothing else: the rest
# of the API is imported when first used, so that a program that only reads
# stories (or only checks them) does not pay for writing, rendering and
# converting them, nor for the engine (configuration, house rules, plugins).
_LAZY = {
    "Config": "storyfmt._config",
    "ConfigError": "storyfmt._config",
    "Fixed": "storyfmt._engine",
    "RuleError": "storyfmt._engine",
    "check": "storyfmt._engine",
    "fix": "storyfmt._engine",
    "format": "storyfmt._engine",
    "to_html": "storyfmt._render",
    "to_markdown": "storyfmt._render",
    "validate": "storyfmt._rules",
    "from_json": "storyfmt._serialize",
    "from_yaml": "storyfmt._serialize",
    "json_schema": "storyfmt._serialize",
    "to_json": "storyfmt._serialize",
    "to_yaml": "storyfmt._serialize",
    "dump": "storyfmt._writer",
    "dumps": "storyfmt._writer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storyfmt' has no attribute {name!r}")
    from importlib import import_module  # noqa: PLC0415

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Breakdown",
    "Config",
    "ConfigError",
    "Diagnostic",
    "Duration",
    "DurationUnit",
    "Fixed",
    "FrozenDict",
    "QuestionAnswer",
    "RuleError",
    "Stats",
    "Story",
    "StoryBrief",
    "StoryCard",
    "StoryFormatError",
    "__version__",
    "check",
    "dump",
    "dumps",
    "fix",
    "format",
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
