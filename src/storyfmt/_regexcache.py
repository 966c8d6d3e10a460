"""Compiled regular expressions kept between processes.

Lark caches its analysis of the grammar, but not the regular expressions of
its lexers: each process compiles them again, one alternation of terminals for
each set of terminals a parser state accepts. The :mod:`re` module compiles
in Python, and for the story grammar that was most of the time a process took
to read its first story.

This module keeps what :mod:`re` compiles a pattern into (the program
:func:`_sre.compile` takes) in the user's own cache, and puts the compiled
patterns in :mod:`re`'s cache before Lark asks for them: Lark, and
lark-cython, which build the same patterns, then find them compiled. The
programs belong to one build of one Python, which the file's name says; on any
doubt (another Python, a file that does not read back, a program the running
:mod:`re` refuses) nothing is put in the cache and :mod:`re` compiles as usual.
"""

from __future__ import annotations

import hashlib
import importlib
import pickle
import re
import sys
from collections.abc import Callable
from typing import Any

from storyfmt._usercache import save

if sys.version_info >= (3, 11):
    from re import _compiler, _parser
else:
    import sre_compile as _compiler
    import sre_parse as _parser

_sre: Any = importlib.import_module("_sre")  # re's engine; typeshed has no stubs for it

Program = tuple[str, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""A compiled pattern's parts: the pattern and flags it was asked with, then the
arguments of :func:`_sre.compile`: flags, code, groups, group index, index group."""

_KEY = f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}"


def _cache() -> dict[Any, Any] | None:
    """:mod:`re`'s own cache of compiled patterns, keyed by (type, pattern, flags)."""
    cache = getattr(re, "_cache", None)
    return cache if isinstance(cache, dict) else None


def program(pattern: str, flags: int) -> Program:
    """What :func:`re.compile` compiles ``pattern`` into, before the last step."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)  # type: ignore[attr-defined]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # Plain ints: the code holds re's named constants, which do not pickle.
    return (
        pattern,
        int(flags),
        int(flags | parsed.state.flags),
        [int(word) for word in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _compiled(entry: Program) -> re.Pattern[str]:
    pattern, _, flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)  # type: ignore[no-any-return]


def preload(path: str | None, compile_all: Callable[[], object]) -> None:
    """Put the patterns cached at ``path`` in :mod:`re`'s cache; without them,
    run ``compile_all``, which compiles them, and keep what it compiled.

    ``path`` is a file in a directory only the user owns, or None to cache nothing.
    """
    cache = _cache()
    if cache is None or path is None:
        return
    path = f"{path}-{hashlib.sha256(_KEY.encode()).hexdigest()[:16]}.re"
    try:
        with open(path, "rb") as handle:
            entries: list[Program] = pickle.load(handle)
        cache.update({(str, entry[0], entry[1]): _compiled(entry) for entry in entries})
        return
    except Exception:  # no file yet, or one this Python cannot use
        pass
    before = set(cache)
    compile_all()
    new = [key for key in cache if key not in before and key[0] is str]
    save(path, lambda handle: pickle.dump([program(key[1], key[2]) for key in new], handle))
